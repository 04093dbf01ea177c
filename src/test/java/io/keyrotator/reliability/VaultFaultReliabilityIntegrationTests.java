package io.keyrotator.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyrotator.support.Api;
import io.keyrotator.support.FaultProxy;
import io.keyrotator.support.OwnServices;
import io.keyrotator.support.ServiceProcess;
import io.keyrotator.support.TestServices;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/**
 * Scenario 3: Vault calls fail or hang for a while, then OpenBao is sealed, then killed and
 * restarted (on disk, so it keeps its data), then healthy. No half state, backoff instead of a retry
 * storm, every due key rotated soon after recovery, and health and metrics told the truth meanwhile.
 */
@OwnServices
class VaultFaultReliabilityIntegrationTests {

    private static final Pattern FAILURES =
            Pattern.compile("keyrotator_rotations_total\\{[^}]*outcome=\"failure\"[^}]*} ([0-9.E]+)");

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Scale scale = Scale.current();

    @Test
    void faultsSealAndARestartOfOpenBaoLeaveNoHalfStateAndNoRetryStorm() throws Exception {
        try (Stack stack = Stack.persistentBehindProxy("vaultfaults")) {
            FaultProxy proxy = Objects.requireNonNull(stack.proxy);
            ServiceProcess service = stack.service("vaultfaults", Map.of()).start();
            Api api = service.api(TestServices.TOKEN);
            stack.subscribe(api, "standard");
            List<String> keys = stack.registerKeys(
                    api, "fault", scale.faultKeys(), Map.of("rotationPeriod", "PT10S", "overlap", "PT3S"));
            stack.staggerSchedules(Duration.ofSeconds(10));
            Map<String, Object> figures = new LinkedHashMap<>();

            double healthyRate = callsPerSecond(proxy, Duration.ofSeconds(5));
            double failuresBefore = failures(service);
            // overlaps that could not be closed meanwhile are excused until every fault is over,
            // plus one backoff for the closes that failed last
            var outage = stack.overlaps.outage(Stack.BACKOFF_MAX);
            proxy.faults(0.15, 0.15, Duration.ofSeconds(3))
                    // and a share of the writes that got through: applied by OpenBao, answer lost
                    .loseAnswers(0.5, FaultProxy.Loss.RESET, Duration.ZERO);
            double faultRate = callsPerSecond(proxy, Duration.ofSeconds(scale.faultSeconds()));
            long injected = proxy.faultsInjected();
            long answersLost = proxy.answersLost();
            int failingAfterFaults = failingKeys(service);
            proxy.healthy();

            stack.bao.seal();
            long sealedAt = System.nanoTime();
            Awaitility.await("health reports Vault down while sealed")
                    .atMost(Duration.ofSeconds(20))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> vaultHealth(service).equals("DOWN"));
            figures.put("secondsUntilHealthSaidVaultDown", (System.nanoTime() - sealedAt) / 1_000_000_000);
            double sealRate = callsPerSecond(proxy, Duration.ofSeconds(scale.sealSeconds()));
            double failuresCounted = failures(service) - failuresBefore;
            int failingWhileSealed = failingKeys(service);

            stack.bao.kill();
            Thread.sleep(2_000);
            stack.bao.start();
            Instant recoveredAt = Instant.now();
            long recovering = System.nanoTime();
            Awaitility.await("every key due before the recovery rotated after it")
                    .atMost(Duration.ofSeconds(90))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> stack.db
                                    .sql("SELECT count(*) FROM managed_key WHERE last_rotated_at < ?")
                                    .param(java.sql.Timestamp.from(recoveredAt))
                                    .query(Long.class)
                                    .single()
                            == 0);
            long recoverySeconds = (System.nanoTime() - recovering) / 1_000_000_000;
            Awaitility.await("health reports Vault up again")
                    .atMost(Duration.ofSeconds(20))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> vaultHealth(service).equals("UP"));
            outage.close();

            List<String> unsettled = Settle.pauseAndDrainOrReport(stack.db, api, keys, Duration.ofSeconds(90));
            Invariants invariants = stack.invariants()
                    .keys(api, Instant.now(), Stack.POLL.plusSeconds(3))
                    .events(Set.of("key.rotated", "key.previous_expired"))
                    .overlapsWereSampled()
                    .noKeyIn(List.of(service.log()));
            long recovered = stack.db
                    .sql("SELECT count(*) FROM vault_write_intent WHERE finished_at >= lease_until")
                    .query(Long.class)
                    .single();
            figures.put("keys", keys.size());
            figures.put("writesAppliedAnswerLost", answersLost);
            figures.put("intentsFinishedByRecovery", recovered);
            figures.putAll(stack.overlaps.figures());
            figures.put("vaultCallsPerSecondHealthy", Math.round(healthyRate));
            figures.put("vaultCallsPerSecondFaulty", Math.round(faultRate));
            figures.put("vaultCallsPerSecondSealed", Math.round(sealRate));
            figures.put("faultsInjected", injected);
            figures.put("rotationFailuresCounted", Math.round(failuresCounted));
            figures.put("failingKeysInHealthAfterFaults", failingAfterFaults);
            figures.put("failingKeysInHealthWhileSealed", failingWhileSealed);
            figures.put("secondsToRotateEveryDueKeyAfterRecovery", recoverySeconds);
            figures.put("invariantChecks", invariants.checks());
            figures.put("violations", invariants.violations().size());
            Report.print("vault-faults", figures);
            assertThat(injected).isPositive();
            assertThat(answersLost)
                    .as("writes OpenBao applied and whose answer was lost")
                    .isPositive();
            assertThat(recovered)
                    .as("intents whose answer was lost, finished by recovery from what OpenBao holds")
                    .isPositive();
            assertThat(failingAfterFaults)
                    .as("failing keys in the rotation health component right after the faults")
                    .isPositive();
            assertThat(failingWhileSealed)
                    .as("failing keys in the rotation health component while sealed")
                    .isPositive();
            assertThat(sealRate).as("backoff, not a retry storm").isLessThan(healthyRate);
            assertThat(faultRate).as("backoff, not a retry storm").isLessThan(healthyRate * 1.5);
            assertThat(invariants.violations()).isEmpty();
            assertThat(unsettled).isEmpty();
        }
    }

    @SuppressWarnings("unchecked")
    private static String vaultHealth(ServiceProcess service) {
        String body = service.management("/actuator/health");
        Map<String, Object> components =
                (Map<String, Object>) JSON.readValue(body, Map.class).get("components");
        return String.valueOf(((Map<String, Object>) components.get("vault")).get("status"));
    }

    @SuppressWarnings("unchecked")
    private static int failingKeys(ServiceProcess service) {
        Map<String, Object> components =
                (Map<String, Object>) JSON.readValue(service.management("/actuator/health"), Map.class)
                        .get("components");
        Map<String, Object> rotation = (Map<String, Object>) components.get("rotation");
        return ((Number) ((Map<String, Object>) rotation.get("details")).get("failing")).intValue();
    }

    private static double callsPerSecond(FaultProxy proxy, Duration window) throws InterruptedException {
        long before = proxy.calls();
        Thread.sleep(window);
        return (proxy.calls() - before) / (double) window.toSeconds();
    }

    private static double failures(ServiceProcess service) {
        Matcher matcher = FAILURES.matcher(service.management("/actuator/prometheus"));
        double sum = 0;
        while (matcher.find()) {
            sum += Double.parseDouble(matcher.group(1));
        }
        return sum;
    }
}
