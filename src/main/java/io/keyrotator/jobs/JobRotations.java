package io.keyrotator.jobs;

import io.keyrotator.rotation.KeyNotFoundException;
import io.keyrotator.rotation.KeyVersion.Trigger;
import io.keyrotator.rotation.RateLimitedException;
import io.keyrotator.rotation.RotationInProgressException;
import io.keyrotator.rotation.VaultConflictException;
import io.keyrotator.rotation.protocol.Idempotency;
import io.keyrotator.rotation.protocol.RotationCommand;
import io.keyrotator.rotation.protocol.RotationEngine;
import io.keyrotator.vault.SecretStoreException;
import io.keyrotator.worker.Backoff;
import java.time.Clock;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * One key of a job: a forced rotation like any other (the key's settings, the manual-interval limit)
 * with an idempotency key per job and key, so a replica that takes over a key whose owner died after
 * Vault took the write repeats that rotation instead of making another.
 */
@Component
class JobRotations {

    private static final Logger log = LoggerFactory.getLogger(JobRotations.class);

    private final RotationEngine engine;
    private final JobRecords records;
    private final JobMetrics metrics;
    private final JobProperties properties;
    private final Clock clock;

    JobRotations(RotationEngine engine, JobRecords records, JobMetrics metrics, JobProperties properties, Clock clock) {
        this.engine = engine;
        this.records = records;
        this.metrics = metrics;
        this.properties = properties;
        this.clock = clock;
    }

    void rotate(JobRecords.Claimed key) {
        try {
            RotationEngine.Rotated rotated = engine.rotate(key.keyName(), command(key));
            records.done(key, rotated.version().version(), clock.instant());
            metrics.reached("done");
        } catch (RateLimitedException e) {
            // rotated by hand a moment ago: wait out the interval, it is no failure of the key
            records.failed(
                    key, "rate-limited", false, clock.instant().plusSeconds(e.retryAfterSeconds()), clock.instant());
        } catch (RotationInProgressException e) {
            records.failed(key, "rotation-in-progress", false, clock.instant().plusSeconds(5), clock.instant());
        } catch (KeyNotFoundException e) {
            giveUp(key, "key-deleted");
        } catch (VaultConflictException e) {
            giveUp(key, "conflict");
        } catch (RuntimeException e) {
            String reason = e instanceof SecretStoreException ? "vault-unavailable" : "internal-error";
            if (key.attempts() + 1 >= properties.maxAttempts()) {
                giveUp(key, reason);
            } else {
                Instant retryAt = clock.instant().plus(Backoff.after(key.attempts()));
                records.failed(key, reason, true, retryAt, clock.instant());
            }
            log.warn(
                    "Rotation of key {} for job {} failed ({}): {}",
                    key.keyName(),
                    key.jobId(),
                    reason,
                    e.getMessage());
        }
        records.finishIfComplete(key.jobId(), clock.instant());
    }

    private void giveUp(JobRecords.Claimed key, String reason) {
        records.failed(key, reason, true, null, clock.instant());
        metrics.reached("failed");
    }

    private static RotationCommand command(JobRecords.Claimed key) {
        String reason = "job " + key.jobId() + (key.reason() == null ? "" : ": " + key.reason());
        return new RotationCommand(
                        Trigger.MANUAL,
                        key.actor(),
                        reason.length() <= 512 ? reason : reason.substring(0, 512),
                        key.overlap(),
                        false,
                        "rotation-job")
                .withIdempotency(Idempotency.Key.internal("job", key.jobId().toString(), "job"));
    }

    /** 5 s, doubling, at most 5 min. */
}
