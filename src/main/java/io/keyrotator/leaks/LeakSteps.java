package io.keyrotator.leaks;

import io.keyrotator.leaks.LeakReport.Outcome;
import io.keyrotator.rotation.KeyEvent;
import io.keyrotator.rotation.KeyVersion;
import io.keyrotator.rotation.OnLeak;
import io.keyrotator.rotation.protocol.KeyCatalog;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * The transactions of a leak report: the record and its {@code key.leaked} event commit together
 * (the webhooks' outbox joins the transaction). None of them holds an HTTP call.
 */
@Component
class LeakSteps {

    private final LeakRecords records;
    private final KeyCatalog catalog;
    private final ApplicationEventPublisher events;

    LeakSteps(LeakRecords records, KeyCatalog catalog, ApplicationEventPublisher events) {
        this.records = records;
        this.catalog = catalog;
        this.events = events;
    }

    /**
     * Records a report. A live value of a key that rotates on a leak is PENDING, leased for {@code
     * lease} to the caller that handles it now (PT0S: to the worker). The same version reported
     * again finds the first record and changes nothing ({@code created} false).
     */
    @Transactional
    public Recorded record(Finding finding, Reported reported, Reporter reporter, Instant now, Duration lease) {
        LeakRecords.New report = switch (finding) {
            case Finding.Unknown unknown ->
                record(reported, reporter, now, null, null, Outcome.UNKNOWN, null, null, null, null);
            case Finding.Live live -> {
                boolean notify = live.key().onLeak() == OnLeak.NOTIFY;
                yield record(
                        reported,
                        reporter,
                        now,
                        live,
                        live.version(),
                        notify ? Outcome.NOTIFIED : Outcome.PENDING,
                        null,
                        null,
                        null,
                        notify ? null : now.plus(lease));
            }
            case Finding.Invalid invalid -> {
                KeyCatalog.Destruction destruction =
                        catalog.destruction(invalid.key().id());
                boolean destroyed = destruction.destroyedBelow() >= destruction.destroyBelow();
                yield record(
                        reported,
                        reporter,
                        now,
                        invalid,
                        invalid.version(),
                        Outcome.ALREADY_INVALID,
                        invalid.since(),
                        destruction.destroyBelow(),
                        destroyed ? now : null,
                        null);
            }
        };
        Optional<UUID> inserted = records.insert(report);
        if (inserted.isEmpty()) {
            LeakReport first = records.ofVersion(java.util.Objects.requireNonNull(report.versionId()))
                    .orElseThrow();
            return new Recorded(first, false);
        }
        LeakReport created = records.find(inserted.get()).orElseThrow();
        if (finding instanceof Finding.Live live && created.outcome() == Outcome.NOTIFIED) {
            announce(created, live.version());
        } else if (finding instanceof Finding.Invalid invalid) {
            announce(created, invalid.version());
        }
        return new Recorded(created, true);
    }

    record Recorded(LeakReport report, boolean created) {}

    /** The emergency rotation confirmed (or the version was made invalid meanwhile): ROTATED. */
    @Transactional
    public Optional<LeakReport> rotated(
            UUID id, KeyVersion leaked, Instant invalidatedAt, long destroyBelow, Instant now) {
        if (!records.rotated(id, invalidatedAt, destroyBelow, now)) {
            return Optional.empty();
        }
        LeakReport report = records.find(id).orElseThrow();
        announce(report, leaked);
        return Optional.of(report);
    }

    private void announce(LeakReport report, KeyVersion leaked) {
        events.publishEvent(new KeyEvent.Leaked(
                java.util.Objects.requireNonNull(report.key()),
                leaked.version(),
                leaked.fingerprint(),
                report.id().toString(),
                report.outcome().name(),
                report.source(),
                report.reportedAt(),
                report.invalidatedAt()));
    }

    private static LeakRecords.New record(
            Reported reported,
            Reporter reporter,
            Instant now,
            @Nullable Finding match,
            @Nullable KeyVersion version,
            Outcome outcome,
            @Nullable Instant invalidatedAt,
            @Nullable Long destroyBelow,
            @Nullable Instant destroyedAt,
            @Nullable Instant attemptAfter) {
        var key = match instanceof Finding.Live live
                ? live.key()
                : match instanceof Finding.Invalid invalid ? invalid.key() : null;
        return new LeakRecords.New(
                UUID.randomUUID(),
                reported.fingerprint(),
                key == null ? null : key.id(),
                version == null ? null : version.id(),
                key == null ? null : key.name(),
                version == null ? null : version.version(),
                outcome,
                reporter.channel(),
                reporter.name(),
                reporter.source(),
                reporter.reason(),
                now,
                invalidatedAt,
                destroyBelow,
                destroyedAt,
                attemptAfter);
    }
}
