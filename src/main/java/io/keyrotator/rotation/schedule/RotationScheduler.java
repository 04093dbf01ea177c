package io.keyrotator.rotation.schedule;

import io.keyrotator.rotation.RotationProperties;
import io.keyrotator.rotation.protocol.RotationEngine;
import io.keyrotator.rotation.store.WriteIntent.Kind;
import io.keyrotator.vault.SecretStoreUnavailableException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongPredicate;
import net.javacrumbs.shedlock.core.LockAssert;
import net.javacrumbs.shedlock.spring.annotation.SchedulerLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * The poller: one replica at a time (ShedLock), it promotes published-ahead keys, closes expired
 * overlap windows and rotates due keys, in bounded batches with bounded concurrency. On shutdown
 * it stops claiming work and lets what is in flight finish.
 */
@Component
public class RotationScheduler {

    private static final Logger log = LoggerFactory.getLogger(RotationScheduler.class);

    private final RotationEngine engine;
    private final DueWork work;
    private final RotationProperties properties;
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();

    RotationScheduler(RotationEngine engine, DueWork work, RotationProperties properties) {
        this.engine = engine;
        this.work = work;
        this.properties = properties;
    }

    @Scheduled(
            fixedDelayString = "${keyrotator.scheduler.poll-interval:PT10S}",
            initialDelayString = "${keyrotator.scheduler.initial-delay:PT2S}")
    @SchedulerLock(name = "keyrotator-scheduler", lockAtMostFor = SchedulingConfiguration.LOCK_AT_MOST_FOR)
    public void tick() {
        LockAssert.assertLocked();
        int done = runOnce();
        if (done > 0) {
            log.info("Scheduler tick: {} rotations, promotions and overlap closes", done);
        }
    }

    /** One pass over everything due now; returns how many pieces of work succeeded. */
    public int runOnce() {
        int batch = properties.scheduler().batchSize();
        AtomicBoolean vaultDown = new AtomicBoolean();
        Set<Long> rotated = new HashSet<>();
        AtomicInteger done = new AtomicInteger();
        boolean more = true;
        while (more && !stopping.get() && !vaultDown.get()) {
            // promotions and overlap closes are due at a moment, not "soon": they go before every
            // batch of rotations, so a backlog of overdue keys cannot keep an old key valid
            done.addAndGet(
                    drain(seen -> work.duePromotions(batch, seen), id -> engine.followUp(id, Kind.PROMOTE), vaultDown));
            done.addAndGet(
                    drain(seen -> work.expiredOverlaps(batch, seen), id -> engine.followUp(id, Kind.CLOSE), vaultDown));
            List<Long> fresh = work.dueKeys(batch).stream().filter(rotated::add).toList();
            more = !fresh.isEmpty();
            runAll(fresh, engine::rotateScheduled, done, vaultDown);
        }
        return done.get();
    }

    @EventListener(ContextClosedEvent.class)
    void stopClaiming() {
        stopping.set(true);
    }

    /**
     * Runs {@code task} for every id {@code claim} returns until it returns no new ones. Once Vault
     * answers sealed or unreachable, the rest of the tick is skipped: the keys that failed back off,
     * the others stay due for the next tick, and an outage costs a handful of calls per poll rather
     * than one per due key (the reliability suite's Vault-fault scenario counts them).
     */
    private int drain(
            java.util.function.Function<Set<Long>, List<Long>> claim, LongPredicate task, AtomicBoolean vaultDown) {
        Set<Long> seen = new HashSet<>();
        AtomicInteger done = new AtomicInteger();
        while (!stopping.get() && !vaultDown.get()) {
            List<Long> fresh =
                    claim.apply(Set.copyOf(seen)).stream().filter(seen::add).toList();
            if (fresh.isEmpty()) {
                break;
            }
            runAll(fresh, task, done, vaultDown);
        }
        return done.get();
    }

    private void runAll(List<Long> ids, LongPredicate task, AtomicInteger done, AtomicBoolean vaultDown) {
        Semaphore permits = new Semaphore(properties.scheduler().concurrency());
        List<Future<?>> running = ids.stream()
                .<Future<?>>map(id -> executor.submit(() -> {
                    permits.acquireUninterruptibly();
                    try {
                        if (!vaultDown.get() && task.test(id)) {
                            done.incrementAndGet();
                        }
                    } catch (SecretStoreUnavailableException e) {
                        if (vaultDown.compareAndSet(false, true)) {
                            log.warn("Vault unavailable, rest of this tick skipped: {}", e.getMessage());
                        }
                    } catch (RuntimeException e) {
                        log.warn("Scheduled work on key id {} failed: {}", id, e.getMessage());
                    } finally {
                        permits.release();
                    }
                }))
                .toList();
        for (Future<?> future : running) {
            try {
                future.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (java.util.concurrent.ExecutionException e) {
                log.warn("Scheduled work failed", e.getCause());
            }
        }
    }
}
