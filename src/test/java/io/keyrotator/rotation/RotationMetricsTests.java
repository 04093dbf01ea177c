package io.keyrotator.rotation;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RotationMetricsTests {

    private final ManagedKey key = VaultPayloadsTests.key("api_key");
    private final RotationCommand manual = new RotationCommand(KeyVersion.Trigger.MANUAL, "ops", null, null, false);

    @Test
    void countsRotationsByKeyTriggerAndOutcomeAndTimesThem() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        RotationMetrics metrics = new RotationMetrics(registry, true);

        metrics.rotation(key, manual, null, "success", Duration.ofMillis(20));
        metrics.rotation(key, manual, null, "success", Duration.ofMillis(30));
        metrics.rotation(key, RotationCommand.scheduled(), null, "failure", Duration.ofMillis(5));

        assertThat(registry.get(RotationMetrics.ROTATIONS)
                        .tags("key", "k", "trigger", "manual", "outcome", "success")
                        .counter()
                        .count())
                .isEqualTo(2);
        assertThat(registry.get(RotationMetrics.ROTATIONS)
                        .tags("trigger", "scheduled", "outcome", "failure")
                        .counter()
                        .count())
                .isEqualTo(1);
        assertThat(registry.get(RotationMetrics.DURATION)
                        .tag("trigger", "manual")
                        .timer()
                        .count())
                .isEqualTo(2);
    }

    @Test
    void perKeySeriesCanBeSwitchedOff() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        RotationMetrics metrics = new RotationMetrics(registry, false);

        metrics.rotation(key, manual, null, "success", Duration.ofMillis(20));

        assertThat(registry.get(RotationMetrics.ROTATIONS).counter().getId().getTag("key"))
                .isNull();
    }
}
