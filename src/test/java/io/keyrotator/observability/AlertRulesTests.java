package io.keyrotator.observability;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The alert rules, checked and unit-tested by Prometheus's own promtool (Debian's prometheus
 * package, installed by scripts/services.sh). Fails with the install command when it is missing.
 */
class AlertRulesTests {

    static final Path RULES = Path.of("helm/keyrotator/files/prometheus/keyrotator-rules.yaml");
    private static final Path TESTS = Path.of("src/test/prometheus/keyrotator-rules.test.yaml");

    @Test
    void rulesAreValid() throws Exception {
        String output = promtool("check", "rules", RULES.toString());

        assertThat(output).contains("SUCCESS: 11 rules found");
    }

    @Test
    void everyAlertFiresWhenItShouldAndOnlyThen() throws Exception {
        String output = promtool("test", "rules", TESTS.toString());

        assertThat(output).contains("SUCCESS");
        String tests = Files.readString(TESTS);
        for (String alert : List.of(
                "KeyrotatorRotationFailing",
                "KeyrotatorKeyOverdue",
                "KeyrotatorKeyTooOld",
                "KeyrotatorKeysTooOld",
                "KeyrotatorPromotionHeld",
                "KeyrotatorLeakNotInvalidated",
                "KeyrotatorLeakNeedsAPerson",
                "KeyrotatorWebhookDeliveriesDead",
                "KeyrotatorWebhookBacklogGrowing",
                "KeyrotatorDown",
                "KeyrotatorNotScraped")) {
            assertThat(tests).as(alert + " is tested").contains("alertname: " + alert);
        }
    }

    private static String promtool(String... arguments) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of("promtool"));
        command.addAll(List.of(arguments));
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IllegalStateException(
                    "promtool not found: run `scripts/services.sh up`" + " (or `apt-get install -y prometheus`)", e);
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        return output;
    }
}
