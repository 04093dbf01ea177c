package io.keyrotator.leaks;

import io.keyrotator.leaks.LeakReport.Outcome;
import io.keyrotator.rotation.KeyNotFoundException;
import io.keyrotator.rotation.KeyVersion;
import io.keyrotator.rotation.RateLimitedException;
import io.keyrotator.rotation.protocol.KeyCatalog;
import io.keyrotator.rotation.protocol.RotationEngine;
import io.keyrotator.worker.Backoff;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/**
 * A leak from report to dead key: find the value ({@link LeakFinder}), record the report, and for a
 * live value of a key that rotates on a leak, an emergency rotation (no overlap, so the leaked value
 * is invalid once it confirms, and the KV versions that held it are destroyed after). The rotation
 * carries an idempotency key per report, so a handler that crashed after Vault took the write and
 * the worker that takes over make one rotation between them. It is a forced rotation like any other:
 * {@code keyrotator.limits.min-manual-interval} holds it back, and the report waits (PENDING) until
 * the interval has passed, so no run of reports rotates a key more often than that.
 */
@Service
class LeakService {

    private static final Logger log = LoggerFactory.getLogger(LeakService.class);
    private static final EnumSet<KeyVersion.State> LIVE = EnumSet.of(
            KeyVersion.State.PENDING, KeyVersion.State.NEXT, KeyVersion.State.CURRENT, KeyVersion.State.PREVIOUS);

    private final LeakFinder finder;
    private final LeakSteps steps;
    private final LeakRecords records;
    private final KeyCatalog catalog;
    private final RotationEngine engine;
    private final LeakMetrics metrics;
    private final LeakProperties properties;
    private final Clock clock;

    LeakService(
            LeakFinder finder,
            LeakSteps steps,
            LeakRecords records,
            KeyCatalog catalog,
            RotationEngine engine,
            LeakMetrics metrics,
            LeakProperties properties,
            Clock clock) {
        this.finder = finder;
        this.steps = steps;
        this.records = records;
        this.catalog = catalog;
        this.engine = engine;
        this.metrics = metrics;
        this.properties = properties;
        this.clock = clock;
    }

    /**
     * Records a report and, with {@code now} true, handles it before returning; otherwise the worker
     * does. {@code created} is false for a leak reported before.
     */
    Reply report(Reported reported, Reporter reporter, boolean now) {
        Finding finding = finder.find(reported);
        LeakSteps.Recorded recorded =
                steps.record(finding, reported, reporter, clock.instant(), now ? properties.lease() : Duration.ZERO);
        LeakReport report = recorded.report();
        if (!recorded.created()) {
            return new Reply(report, false);
        }
        if (report.outcome() != Outcome.PENDING) {
            metrics.reached(report, reporter);
        } else if (now && finding instanceof Finding.Live live) {
            handle(new LeakRecords.Pending(
                    report.id(),
                    live.key().name(),
                    live.version().id(),
                    reporter.name(),
                    reporter.reason(),
                    report.reportedAt(),
                    0,
                    reporter.channel()));
            report = records.find(report.id()).orElseThrow();
        }
        return new Reply(report, true);
    }

    record Reply(LeakReport report, boolean created) {}

    /** Makes a PENDING report's value invalid; on failure the report waits and is tried again. */
    void handle(LeakRecords.Pending pending) {
        Reporter reporter = new Reporter(pending.reporter(), pending.channel(), null, pending.reason());
        try {
            Optional<KeyVersion> leaked = catalog.versionById(pending.versionId());
            if (leaked.isEmpty()) {
                throw KeyNotFoundException.named(pending.keyName());
            }
            Instant invalidatedAt;
            long destroyBelow;
            if (LIVE.contains(leaked.get().state())) {
                RotationEngine.Rotated rotated = engine.rotate(pending.keyName(), LeakCommands.emergency(pending));
                invalidatedAt = clock.instant();
                destroyBelow =
                        java.util.Objects.requireNonNull(rotated.version().vaultVersion());
            } else {
                // rotated away meanwhile (by hand, by a job, or by the rotation of a crashed handler)
                KeyVersion retired = leaked.get();
                invalidatedAt = retired.retiredAt() != null ? retired.retiredAt() : clock.instant();
                destroyBelow = catalog.destruction(retired.keyId()).destroyBelow();
            }
            steps.rotated(pending.id(), leaked.get(), invalidatedAt, destroyBelow, clock.instant())
                    .ifPresent(report -> metrics.reached(report, reporter));
        } catch (RateLimitedException e) {
            records.failed(pending.id(), "rate-limited", clock.instant().plusSeconds(e.retryAfterSeconds()));
        } catch (RuntimeException e) {
            String reason = LeakCommands.reason(e);
            records.failed(pending.id(), reason, clock.instant().plus(Backoff.after(pending.attempts())));
            log.warn(
                    "The emergency rotation of key {} for leak {} failed ({}); it is tried again",
                    pending.keyName(),
                    pending.id(),
                    reason);
        }
    }

    /** 5 s, doubling, at most 5 min: a leak is never left for long. */
    Optional<LeakReport> find(UUID id) {
        return records.find(id);
    }

    List<LeakReport> page(@org.jspecify.annotations.Nullable String keyName, int offset, int limit) {
        if (keyName != null && catalog.find(keyName).isEmpty()) {
            throw KeyNotFoundException.named(keyName);
        }
        return records.page(keyName, offset, limit);
    }
}
