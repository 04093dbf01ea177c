package io.keyrotator.leaks;

import io.keyrotator.logging.AuditText;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * {@code keyrotator_leaks_total{key,outcome}}, {@code keyrotator_leak_time_to_invalid_seconds},
 * {@code keyrotator_leaks_pending} and the audit line of each report (docs/contract.md#metrics). A
 * value keyrotator does not manage is counted under {@code key="_unknown"}, so a flood of guesses
 * adds no series.
 */
@Component
class LeakMetrics {

    static final String UNKNOWN_KEY = "_unknown";
    private static final Logger audit = LoggerFactory.getLogger("keyrotator.audit");

    private final MeterRegistry registry;
    private final AtomicLong pending = new AtomicLong();

    LeakMetrics(MeterRegistry registry) {
        this.registry = registry;
        Gauge.builder("keyrotator.leaks.pending", pending, AtomicLong::get)
                .description("Leak reports of live keys whose emergency rotation has not confirmed yet")
                .register(registry);
    }

    void pending(long count) {
        pending.set(count);
    }

    /** A report reached its outcome: counted once, whatever the number of times it is reported. */
    void reached(LeakReport report, Reporter reporter) {
        Counter.builder("keyrotator.leaks")
                .description("Leak reports by the outcome they reached")
                .tag("key", report.key() == null ? UNKNOWN_KEY : report.key())
                .tag("outcome", report.outcome().name())
                .register(registry)
                .increment();
        if (report.outcome() == LeakReport.Outcome.ROTATED && report.invalidatedAt() != null) {
            Timer.builder("keyrotator.leak.time.to.invalid")
                    .description("From a leak report to the leaked value no longer valid in Vault")
                    .publishPercentileHistogram()
                    .register(registry)
                    .record(Duration.between(report.reportedAt(), report.invalidatedAt()));
        }
        audit.atInfo()
                .addKeyValue("event", "leak")
                .addKeyValue("leak", report.id())
                .addKeyValue("key", report.key())
                .addKeyValue("version", report.version())
                .addKeyValue("outcome", report.outcome().name())
                .addKeyValue("reporter", reporter.name())
                .addKeyValue("channel", reporter.channel())
                .addKeyValue("source", reporter.source())
                .log(
                        "leak id={} key={} version={} outcome={} reporter={} channel={} source={} reason=\"{}\"",
                        report.id(),
                        report.key(),
                        report.version(),
                        report.outcome().name(),
                        AuditText.escaped(reporter.name()),
                        reporter.channel(),
                        AuditText.escaped(reporter.source()),
                        AuditText.escaped(reporter.reason()));
    }
}
