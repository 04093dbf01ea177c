package io.keyrotator.rotation.schedule;

import io.keyrotator.rotation.protocol.IntentRecovery;
import io.keyrotator.rotation.protocol.VaultSync;
import io.keyrotator.rotation.store.WriteIntent;
import io.keyrotator.vault.SecretStoreException;
import io.keyrotator.vault.SecretStoreUnavailableException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import net.javacrumbs.shedlock.core.LockAssert;
import net.javacrumbs.shedlock.spring.annotation.SchedulerLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.annotation.Lazy;
import org.springframework.context.event.EventListener;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * The recovery pass, at start-up and then periodically: finishes or rolls back writes whose
 * owner's lease ran out, and completes Vault side effects (destruction, custom metadata) that a
 * failure postponed.
 */
@Component
public class RecoveryJob {

    private static final Logger log = LoggerFactory.getLogger(RecoveryJob.class);
    private static final int BATCH = 100;

    private final DueWork work;
    private final IntentRecovery recovery;
    private final VaultSync sync;
    private final RecoveryJob self;
    private final Counter failures;

    RecoveryJob(DueWork work, IntentRecovery recovery, VaultSync sync, @Lazy RecoveryJob self, MeterRegistry registry) {
        this.work = work;
        this.recovery = recovery;
        this.sync = sync;
        this.self = self;
        this.failures = Counter.builder("keyrotator.recovery.failures")
                .description("intents whose recovery failed and backs off (Vault down not counted)")
                .register(registry);
    }

    @EventListener(ApplicationReadyEvent.class)
    void recoverAtStartup() {
        try {
            self.recover();
        } catch (RuntimeException e) {
            // the periodic pass tries again; a service that cannot start recovers nothing
            log.error("Recovery at start-up failed, retried by the periodic pass", e);
        }
    }

    @Scheduled(fixedDelayString = "${keyrotator.scheduler.poll-interval:PT10S}", initialDelayString = "PT10S")
    @SchedulerLock(name = "keyrotator-recovery", lockAtMostFor = SchedulingConfiguration.LOCK_AT_MOST_FOR)
    public void recover() {
        LockAssert.assertLocked();
        try {
            runOnce();
        } catch (SecretStoreException e) {
            log.warn("Recovery postponed, Vault not usable: {}", e.getMessage());
        }
    }

    /**
     * Returns how many intents and keys it repaired. Stops at the first sealed or unreachable Vault
     * answer ({@link SecretStoreUnavailableException} reaches {@link #recover()}): the next poll
     * tries again, instead of one failing call per open intent and unsynced key every poll.
     */
    public int runOnce() {
        int repaired = 0;
        for (WriteIntent intent : work.expiredIntents(BATCH)) {
            try {
                recovery.resolve(intent);
                repaired++;
            } catch (SecretStoreUnavailableException e) {
                throw e;
            } catch (SecretStoreException e) {
                backOff(intent);
                log.warn("Recovery of intent {} postponed, backing off: {}", intent.id(), e.getMessage());
            } catch (RuntimeException e) {
                // one intent that cannot be resolved must not stop the others, nor start-up
                backOff(intent);
                log.error("Recovery of intent {} of key id {} failed, backing off", intent.id(), intent.keyId(), e);
            }
        }
        repaired += sync.runOnce();
        return repaired;
    }

    /** It waits 5 s × 2^failures (at most an hour), so the next pass reaches the intents behind it. */
    private void backOff(WriteIntent intent) {
        failures.increment();
        work.recoveryFailed(intent);
    }
}
