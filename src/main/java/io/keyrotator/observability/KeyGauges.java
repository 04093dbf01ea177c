package io.keyrotator.observability;

import io.keyrotator.rotation.ManagedKey.KeyState;
import io.keyrotator.rotation.RotationProperties;
import io.keyrotator.rotation.protocol.KeyStatuses;
import io.keyrotator.rotation.protocol.KeyStatuses.KeyStatus;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.time.Clock;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.ToDoubleFunction;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * The key gauges of docs/contract.md#metrics, read from PostgreSQL with one query per refresh (not
 * per key, not per scrape). The same snapshot feeds the {@code rotation} health contributor.
 */
@Component
class KeyGauges {

    private final KeyStatuses keys;
    private final MetricsProperties properties;
    private final RotationProperties rotation;
    private final Clock clock;
    private final Map<KeyState, AtomicLong> byState = new EnumMap<>(KeyState.class);
    private final AtomicLong overdue = new AtomicLong();
    private final AtomicReference<Snapshot> snapshot = new AtomicReference<>(new Snapshot(List.of(), List.of()));
    private final MultiGauge lastRotation;
    private final MultiGauge nextRotation;
    private final MultiGauge overlapActive;
    private final MultiGauge rotationPeriod;

    KeyGauges(
            KeyStatuses keys,
            MetricsProperties properties,
            RotationProperties rotation,
            MeterRegistry registry,
            Clock clock) {
        this.keys = keys;
        this.properties = properties;
        this.rotation = rotation;
        this.clock = clock;
        for (KeyState state : KeyState.values()) {
            AtomicLong count = new AtomicLong();
            byState.put(state, count);
            Gauge.builder("keyrotator.keys", count, AtomicLong::get)
                    .tag("state", state.name())
                    .description("Keys by state")
                    .register(registry);
        }
        Gauge.builder("keyrotator.keys.overdue", overdue, AtomicLong::get)
                .description("Keys whose next rotation is more than one poll interval late")
                .register(registry);
        lastRotation = MultiGauge.builder("keyrotator.key.last.rotation.timestamp")
                .baseUnit("seconds")
                .description("When the key was last rotated")
                .register(registry);
        nextRotation = MultiGauge.builder("keyrotator.key.next.rotation.timestamp")
                .baseUnit("seconds")
                .description("When the key rotates next")
                .register(registry);
        overlapActive = MultiGauge.builder("keyrotator.key.overlap.active")
                .description("1 while the previous key is still valid")
                .register(registry);
        rotationPeriod = MultiGauge.builder("keyrotator.key.rotation.period")
                .baseUnit("seconds")
                .description("The key's rotation period")
                .register(registry);
    }

    /** Overdue and failing keys, as of the last refresh. */
    record Snapshot(List<String> overdue, List<String> failing) {}

    Snapshot snapshot() {
        return snapshot.get();
    }

    @Scheduled(fixedDelayString = "${keyrotator.metrics.refresh-interval:PT15S}", initialDelay = 0)
    void refresh() {
        List<KeyStatus> statuses = keys.all();
        Instant late = clock.instant().minus(rotation.scheduler().pollInterval());
        byState.forEach((state, count) ->
                count.set(statuses.stream().filter(s -> s.state() == state).count()));
        List<String> overdueKeys = statuses.stream()
                .filter(s -> s.state() == KeyState.ACTIVE
                        && s.nextRotationAt() != null
                        && s.nextRotationAt().isBefore(late))
                .map(KeyStatus::name)
                .sorted()
                .toList();
        overdue.set(overdueKeys.size());
        snapshot.set(new Snapshot(
                overdueKeys,
                statuses.stream()
                        .filter(KeyStatus::failing)
                        .map(KeyStatus::name)
                        .sorted()
                        .toList()));
        if (properties.perKey()) {
            perKey(lastRotation, statuses, s -> seconds(s.lastRotatedAt()));
            perKey(nextRotation, statuses, s -> seconds(s.nextRotationAt()));
            perKey(overlapActive, statuses, s -> s.overlapOpen() ? 1 : 0);
            perKey(rotationPeriod, statuses, s -> s.rotationPeriod().toSeconds());
        }
    }

    private static void perKey(MultiGauge gauge, List<KeyStatus> statuses, ToDoubleFunction<KeyStatus> value) {
        gauge.register(
                statuses.stream()
                        .filter(s -> !Double.isNaN(value.applyAsDouble(s)))
                        .map(s -> MultiGauge.Row.of(Tags.of("key", s.name()), value.applyAsDouble(s)))
                        .toList(),
                true);
    }

    private static double seconds(Instant instant) {
        return instant == null ? Double.NaN : instant.toEpochMilli() / 1000.0;
    }
}
