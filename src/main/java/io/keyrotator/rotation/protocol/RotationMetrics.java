package io.keyrotator.rotation.protocol;

import io.keyrotator.rotation.KeyVersion;
import io.keyrotator.rotation.ManagedKey;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Rotation meters (docs/contract.md#metrics) and the audit line, recorded where a rotation ends. The
 * counter's {@code key} label takes the first {@code keyrotator.metrics.per-key-limit} keys this
 * process rotates; later ones count as {@value #OTHER_KEYS}, so a scrape stays bounded however
 * large the fleet. With {@code keyrotator.metrics.per-key=false} the counter has no {@code key} label. The audit line carries key, version, fingerprint, trigger, actor and outcome, as text and
 * as key-value pairs for structured (JSON) logging; never key material.
 */
@Component
class RotationMetrics {

    static final String ROTATIONS = "keyrotator.rotations";
    static final String DURATION = "keyrotator.rotation.duration";
    private static final Logger audit = LoggerFactory.getLogger("keyrotator.audit");

    /** The {@code key} label of rotations beyond the per-key limit. */
    static final String OTHER_KEYS = "_other";

    private final MeterRegistry registry;
    private final boolean perKey;
    private final int perKeyLimit;
    private final java.util.Set<String> labelled = java.util.concurrent.ConcurrentHashMap.newKeySet();

    RotationMetrics(
            MeterRegistry registry,
            @Value("${keyrotator.metrics.per-key:true}") boolean perKey,
            @Value("${keyrotator.metrics.per-key-limit:1000}") int perKeyLimit) {
        this.registry = registry;
        this.perKey = perKey;
        this.perKeyLimit = perKeyLimit;
    }

    void rotation(
            ManagedKey key, RotationCommand command, @Nullable KeyVersion version, String outcome, Duration took) {
        Counter.Builder counter = Counter.builder(ROTATIONS)
                .description("Rotation attempts by outcome")
                .tag("trigger", command.trigger().id())
                .tag("outcome", outcome);
        if (perKey) {
            counter.tag("key", label(key.name()));
        }
        counter.register(registry).increment();
        Timer.builder(DURATION)
                .description("Time one rotation took, Vault calls included")
                .tag("trigger", command.trigger().id())
                .publishPercentileHistogram()
                .register(registry)
                .record(took);
        auditLine("rotation", key, version, command, outcome);
    }

    private String label(String name) {
        if (labelled.contains(name)) {
            return name;
        }
        // a key over the limit by a few concurrent first rotations is no harm
        if (labelled.size() < perKeyLimit) {
            labelled.add(name);
            return name;
        }
        return OTHER_KEYS;
    }

    void promotionDelayed(ManagedKey key, String step, String outcome) {
        Counter.Builder counter = Counter.builder("keyrotator.promotions.delayed")
                .description("Gated promotions and overlap closes that reached their timeout with instances behind")
                .tag("step", step)
                .tag("outcome", outcome);
        if (perKey) {
            counter.tag("key", label(key.name()));
        }
        counter.register(registry).increment();
        audit.atInfo()
                .setMessage("{} of key {} timed out waiting for consumers: {}")
                .addArgument(step)
                .addArgument(key.name())
                .addArgument(outcome)
                .addKeyValue("key", key.name())
                .addKeyValue("step", step)
                .addKeyValue("outcome", outcome)
                .log();
    }

    void overlapClosed(ManagedKey key, @Nullable KeyVersion previous) {
        auditLine("overlap-close", key, previous, RotationCommand.scheduled(), "success");
    }

    private static void auditLine(
            String event, ManagedKey key, @Nullable KeyVersion version, RotationCommand command, String outcome) {
        Integer number = version == null ? null : version.version();
        String fingerprint = version == null ? null : version.fingerprint();
        audit.atInfo()
                .addKeyValue("event", event)
                .addKeyValue("key", key.name())
                .addKeyValue("version", number)
                .addKeyValue("fingerprint", fingerprint)
                .addKeyValue("trigger", command.trigger().id())
                .addKeyValue("actor", command.actor())
                .addKeyValue("source", command.source())
                .addKeyValue("reason", command.reason())
                .addKeyValue("outcome", outcome)
                .log(
                        "{} key={} version={} fingerprint={} trigger={} actor={} source={} reason=\"{}\" outcome={}",
                        event,
                        key.name(),
                        number,
                        fingerprint,
                        command.trigger().id(),
                        escaped(command.actor()),
                        escaped(command.source()),
                        escaped(command.reason()),
                        outcome);
    }

    static String escaped(@Nullable String text) {
        return io.keyrotator.logging.AuditText.escaped(text);
    }
}
