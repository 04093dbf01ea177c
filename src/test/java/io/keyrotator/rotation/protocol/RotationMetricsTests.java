package io.keyrotator.rotation.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyrotator.rotation.KeyVersion;
import io.keyrotator.rotation.ManagedKey;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RotationMetricsTests {

    private final ManagedKey key = VaultPayloadsTests.key("api_key");
    private final RotationCommand manual = new RotationCommand(KeyVersion.Trigger.MANUAL, "ops", null, null, false);

    @Test
    void countsRotationsByKeyTriggerAndOutcomeAndTimesThem() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        RotationMetrics metrics = new RotationMetrics(registry, true, 1000);

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
    void keysBeyondThePerKeyLimitAreCountedTogether() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        RotationMetrics metrics = new RotationMetrics(registry, true, 3);

        for (int i = 0; i < 10; i++) {
            metrics.rotation(VaultPayloadsTests.named("key-" + i, "api_key"), manual, null, "success", Duration.ZERO);
        }
        metrics.rotation(VaultPayloadsTests.named("key-0", "api_key"), manual, null, "success", Duration.ZERO);

        assertThat(registry.get(RotationMetrics.ROTATIONS).counters()).hasSize(4);
        assertThat(registry.get(RotationMetrics.ROTATIONS)
                        .tag("key", "key-0")
                        .counter()
                        .count())
                .isEqualTo(2);
        assertThat(registry.get(RotationMetrics.ROTATIONS)
                        .tag("key", RotationMetrics.OTHER_KEYS)
                        .counter()
                        .count())
                .isEqualTo(7);
    }

    @Test
    void perKeySeriesCanBeSwitchedOff() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        RotationMetrics metrics = new RotationMetrics(registry, false, 1000);

        metrics.rotation(key, manual, null, "success", Duration.ofMillis(20));

        assertThat(registry.get(RotationMetrics.ROTATIONS).counter().getId().getTag("key"))
                .isNull();
    }

    @Test
    void anAuditLineStaysOneLineWhateverTheReasonActorOrSourceHold() {
        ch.qos.logback.classic.Logger audit =
                (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("keyrotator.audit");
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> lines =
                new ch.qos.logback.core.read.ListAppender<>();
        lines.start();
        audit.addAppender(lines);
        java.util.Random random = new java.util.Random(7);
        RotationMetrics metrics = new RotationMetrics(new SimpleMeterRegistry(), true, 1000);
        try {
            metrics.rotation(key, command("ok\nFORGED-AUDIT-LINE actor=root"), null, "success", Duration.ZERO);
            for (int i = 0; i < 2_000; i++) {
                metrics.rotation(key, command(randomText(random)), null, "success", Duration.ZERO);
            }
        } finally {
            audit.detachAppender(lines);
        }

        assertThat(lines.list).hasSize(2_001);
        assertThat(lines.list.getFirst().getFormattedMessage())
                .contains("reason=\"ok\\u000aFORGED-AUDIT-LINE actor=root\"");
        assertThat(lines.list)
                .allSatisfy(line -> assertThat(line.getFormattedMessage())
                        .doesNotContainPattern("[\\p{Cntrl}\\u2028\\u2029]")
                        .matches("rotation key=k .* reason=\"([^\"\\\\]|\\\\.)*\" outcome=success"));
    }

    private static RotationCommand command(String text) {
        return new RotationCommand(KeyVersion.Trigger.MANUAL, text, text, null, false, text);
    }

    /** Up to 40 characters, weighted towards the ones that could break a line or a quote. */
    private static String randomText(java.util.Random random) {
        String risky = "\n\r\t\u0000\u001b\u0085\u2028\u2029\"\\= ";
        StringBuilder text = new StringBuilder();
        for (int i = random.nextInt(40); i > 0; i--) {
            text.append(
                    random.nextBoolean()
                            ? risky.charAt(random.nextInt(risky.length()))
                            : (char) random.nextInt(0x3000));
        }
        return text.toString();
    }
}
