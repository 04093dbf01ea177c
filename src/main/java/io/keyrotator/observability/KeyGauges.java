package io.keyrotator.observability;

import io.keyrotator.rotation.ManagedKey.KeyState;
import io.keyrotator.rotation.RotationProperties;
import io.keyrotator.rotation.protocol.KeyStatuses;
import io.keyrotator.rotation.protocol.KeyStatuses.KeyStatus;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.ToDoubleFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * The key gauges of docs/contract.md#metrics, read from PostgreSQL on each refresh (not per key, not
 * per scrape). The same snapshot feeds the {@code rotation} health contributor.
 */
@Component
class KeyGauges {

    /** How many overdue and failing key names the health report lists. */
    static final int LISTED = 20;

    private static final Logger log = LoggerFactory.getLogger(KeyGauges.class);

    private final KeyStatuses keys;
    private final MetricsProperties properties;
    private final RotationProperties rotation;
    private final Clock clock;
    private final Map<KeyState, AtomicLong> byState = new EnumMap<>(KeyState.class);
    private final AtomicLong overdue = new AtomicLong();
    private final AtomicLong tooOld = new AtomicLong();
    private final AtomicReference<Snapshot> snapshot =
            new AtomicReference<>(new Snapshot(0, 0, 0, List.of(), List.of(), List.of(), 0, List.of()));
    private final AtomicLong held = new AtomicLong();
    private final MultiGauge lastRotation;
    private final MultiGauge nextRotation;
    private final MultiGauge overlapActive;
    private final MultiGauge rotationPeriod;
    private final Timer refreshTimer;
    private volatile boolean perKeyExported = true;

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
        Gauge.builder("keyrotator.keys.too.old", tooOld, AtomicLong::get)
                .description("Keys older than their rotation period plus 10 % plus an hour")
                .register(registry);
        Gauge.builder("keyrotator.promotions.held", held, AtomicLong::get)
                .description("Keys whose gated promotion is held past its timeout, waiting for consumers")
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
        refreshTimer = Timer.builder("keyrotator.key.gauges.refresh")
                .description("Time one refresh of the key gauges took (its database reads)")
                .register(registry);
    }

    /** Overdue and failing keys as of the last refresh: counts, and the first names of each. */
    record Snapshot(
            long overdue,
            long failing,
            long tooOld,
            List<String> overdueKeys,
            List<String> failingKeys,
            List<String> tooOldKeys,
            long promotionsHeld,
            List<String> promotionsHeldKeys) {}

    Snapshot snapshot() {
        return snapshot.get();
    }

    /**
     * One aggregate query for the counts, and one of at most {@code per-key-limit} rows for the
     * per-key gauges: the cost is bounded whatever the fleet's size.
     */
    @Scheduled(fixedDelayString = "${keyrotator.metrics.refresh-interval:PT15S}", initialDelay = 0)
    void refresh() {
        refreshTimer.record(this::read);
    }

    private void read() {
        Instant now = clock.instant();
        KeyStatuses.Summary summary =
                keys.summary(now, now.minus(rotation.scheduler().pollInterval()), LISTED);
        byState.forEach((state, count) -> count.set(summary.byState().getOrDefault(state, 0L)));
        overdue.set(summary.overdue());
        tooOld.set(summary.tooOld());
        held.set(summary.held());
        snapshot.set(new Snapshot(
                summary.overdue(),
                summary.failing(),
                summary.tooOld(),
                summary.overdueNames(),
                summary.failingNames(),
                summary.tooOldNames(),
                summary.held(),
                summary.heldNames()));
        if (!properties.perKey()) {
            return;
        }
        boolean withinLimit = summary.keys() <= properties.perKeyLimit();
        if (!withinLimit && perKeyExported) {
            log.warn(
                    "{} keys, more than keyrotator.metrics.per-key-limit ({}): per-key gauges are no longer exported",
                    summary.keys(),
                    properties.perKeyLimit());
        }
        perKeyExported = withinLimit;
        List<KeyStatus> statuses = withinLimit ? keys.perKey(properties.perKeyLimit()) : List.of();
        perKey(lastRotation, statuses, s -> seconds(s.lastRotatedAt()));
        perKey(nextRotation, statuses, s -> seconds(s.nextRotationAt()));
        perKey(overlapActive, statuses, s -> s.overlapOpen() ? 1 : 0);
        perKey(rotationPeriod, statuses, s -> s.rotationPeriod().toSeconds());
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
