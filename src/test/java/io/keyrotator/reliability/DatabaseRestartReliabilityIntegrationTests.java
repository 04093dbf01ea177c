package io.keyrotator.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyrotator.support.Api;
import io.keyrotator.support.OwnServices;
import io.keyrotator.support.ServiceProcess;
import io.keyrotator.support.TestServices;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLock;

/** Scenario 4: PostgreSQL restarts under a busy service, which recovers without a restart of its own. */
// alone: it restarts the shared PostgreSQL. Last but one of the main lane, holding the second lane's lock
@Order(Integer.MAX_VALUE - 1)
@ResourceLock(OwnServices.LANE)
class DatabaseRestartReliabilityIntegrationTests {

    @Test
    void theServiceRidesOutADatabaseRestartAndLosesNoEvent() throws Exception {
        try (Stack stack = Stack.inMemory("dbrestart")) {
            ServiceProcess service = stack.service("dbrestart", Map.of()).start();
            long pid = service.pid();
            Api api = service.api(TestServices.TOKEN);
            stack.subscribe(api, "standard");
            List<String> keys =
                    stack.registerKeys(api, "dbrestart", 100, Map.of("rotationPeriod", "PT5S", "overlap", "PT2S"));
            stack.makeAllDue();
            Thread.sleep(3_000);

            long restartMillis;
            try (var outage = stack.overlaps.outage(Stack.BACKOFF_MAX)) {
                restartMillis = restartPostgresql();
                Awaitility.await("readiness back after the restart")
                        .atMost(Duration.ofSeconds(60))
                        .until(service::isReady);
            }
            long before = rotations(stack);
            Awaitility.await("rotating again")
                    .atMost(Duration.ofSeconds(60))
                    .until(() -> rotations(stack) > before + keys.size());
            List<String> unsettled = Settle.pauseAndDrainOrReport(stack.db, api, keys, Duration.ofSeconds(90));

            Invariants invariants = stack.invariants()
                    .keys(api, Instant.now(), Stack.POLL.plusSeconds(3))
                    .events(Set.of("key.rotated", "key.previous_expired"))
                    .overlapsWereSampled()
                    .noKeyIn(List.of(service.log()));
            Report.print(
                    "database-restart",
                    Report.figures(
                            "keys", keys.size(),
                            "restartMillis", restartMillis,
                            "rotations", rotations(stack),
                            "deliveries", stack.receiver.deliveries().size(),
                            "serviceRestarts", service.pid() == pid ? 0 : 1,
                            "latestOverlapCloseMillis", stack.overlaps.figures().get("latestOverlapCloseMillis"),
                            "invariantChecks", invariants.checks(),
                            "violations", invariants.violations().size()));
            assertThat(service.pid()).isEqualTo(pid);
            assertThat(invariants.violations()).isEmpty();
            assertThat(unsettled).isEmpty();
        }
    }

    private static long rotations(Stack stack) {
        return stack.db
                .sql("SELECT count(*) FROM key_version WHERE version > 1 AND activated_at IS NOT NULL")
                .query(Long.class)
                .single();
    }

    /** {@code pg_ctlcluster <version> <cluster> restart} on the cluster scripts/services.sh started. */
    private static long restartPostgresql() throws IOException, InterruptedException {
        Process list = new ProcessBuilder("pg_lsclusters", "--no-header").start();
        String cluster = new String(list.getInputStream().readAllBytes(), StandardCharsets.UTF_8)
                .lines()
                .filter(line -> line.contains(" 5432 "))
                .findFirst()
                .orElseThrow(
                        () -> new IllegalStateException("no PostgreSQL cluster on 5432: run scripts/services.sh up"));
        String[] fields = cluster.trim().split("\\s+");
        long started = System.nanoTime();
        Process restart = new ProcessBuilder("pg_ctlcluster", fields[0], fields[1], "restart")
                .redirectErrorStream(true)
                .start();
        if (!restart.waitFor(60, TimeUnit.SECONDS) || restart.exitValue() != 0) {
            throw new IllegalStateException("pg_ctlcluster restart failed: "
                    + new String(restart.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        }
        return (System.nanoTime() - started) / 1_000_000;
    }
}
