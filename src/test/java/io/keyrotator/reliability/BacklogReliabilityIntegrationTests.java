package io.keyrotator.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyrotator.support.Api;
import io.keyrotator.support.OwnServices;
import io.keyrotator.support.ServiceProcess;
import io.keyrotator.support.TestServices;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * Scenario 6: the service was off for months and comes back to thousands of overdue keys. They are
 * rotated in bounded batches while the API keeps answering: forced rotations within a second, from
 * the second request after the restart on (the first loads the classes of the REST path).
 */
// alone: it bounds forced rotations' latency, which a neighbour on the two cores would spoil (one
// took 1.09 s beside the crash scenario). Near the end of the main lane, holding the second lane's lock
@Order(Integer.MAX_VALUE - 3)
@ResourceLock(OwnServices.LANE)
class BacklogReliabilityIntegrationTests {

    private final Scale scale = Scale.current();

    @Test
    void aBacklogOfOverdueKeysDrainsWhileForcedRotationsStillAnswerWithinASecond() throws Exception {
        try (Stack stack = Stack.inMemory("backlog")) {
            ServiceProcess service = stack.service("backlog", Map.of()).start();
            Api api = service.api(TestServices.TOKEN);
            List<String> backlog = stack.registerKeys(
                    api, "backlog", scale.backlogKeys(), Map.of("rotationPeriod", "P30D", "overlap", "PT10S"));
            List<String> interactive =
                    stack.registerKeys(api, "interactive", 10, Map.of("rotationPeriod", "P30D", "overlap", "PT3S"));
            for (String key : interactive) {
                api.patch("/api/v1/keys/" + key, Map.of("state", "PAUSED"));
            }
            service.stop();
            stack.db
                    .sql("UPDATE managed_key SET next_rotation_at = now() - interval '90 days' WHERE state = 'ACTIVE'")
                    .update();

            service.start();
            Instant restartedAt = Instant.now();
            long draining = System.nanoTime();
            // the first request after a restart loads the REST path's classes on a JVM that is
            // starting to drain; it is reported, and the bound holds from the second request on
            long warmUp = System.nanoTime();
            assertThat(api.post("/api/v1/keys/" + interactive.getLast() + "/rotations", Map.of("reason", "first"))
                            .status())
                    .isEqualTo(201);
            long firstForcedMillis = (System.nanoTime() - warmUp) / 1_000_000;
            List<Long> forcedMillis = new ArrayList<>();
            List<Long> readMillis = new ArrayList<>();
            int round = 0;
            while (overdue(stack, restartedAt) > 0) {
                String key = interactive.get(round++ % interactive.size());
                long start = System.nanoTime();
                Api.Response forced =
                        api.post("/api/v1/keys/" + key + "/rotations", Map.of("reason", "while draining"));
                forcedMillis.add((System.nanoTime() - start) / 1_000_000);
                assertThat(forced.status()).as(forced.toString()).isEqualTo(201);
                start = System.nanoTime();
                assertThat(api.get("/api/v1/keys/" + backlog.get(round % backlog.size()))
                                .status())
                        .isEqualTo(200);
                readMillis.add((System.nanoTime() - start) / 1_000_000);
                Thread.sleep(200);
                assertThat(Duration.ofNanos(System.nanoTime() - draining)).isLessThan(Duration.ofMinutes(10));
            }
            double drainSeconds = (System.nanoTime() - draining) / 1e9;
            // every overlap the drain opened ends; the sampler watches them close while it waits
            List<String> unsettled = Settle.pauseAndDrainOrReport(stack.db, api, backlog, Duration.ofSeconds(60));
            Invariants invariants = stack.invariants()
                    .keys(api, Instant.now(), Stack.POLL.plus(Stack.OVERLAP_MARGIN))
                    .overlapsWereSampled()
                    .noKeyIn(List.of(service.log()));

            Report.print(
                    "backlog",
                    Report.figures(
                            "overdueKeys", backlog.size(),
                            "drainSeconds", Math.round(drainSeconds),
                            "rotationsPerSecond", Math.round(backlog.size() / drainSeconds),
                            "firstForcedMillis", firstForcedMillis,
                            "forcedRotations", forcedMillis.size(),
                            "forcedMillisP50", percentile(forcedMillis, 0.5),
                            "forcedMillisMax", percentile(forcedMillis, 1.0),
                            "readMillisMax", percentile(readMillis, 1.0),
                            "latestOverlapCloseMillis", stack.overlaps.figures().get("latestOverlapCloseMillis"),
                            "invariantChecks", invariants.checks(),
                            "violations", invariants.violations().size()));
            assertThat(forcedMillis)
                    .isNotEmpty()
                    .allSatisfy(millis -> assertThat(millis).isLessThan(1_000L));
            assertThat(invariants.violations()).isEmpty();
            assertThat(unsettled).isEmpty();
        }
    }

    private static long overdue(Stack stack, Instant since) {
        return stack.db
                .sql("SELECT count(*) FROM managed_key WHERE state = 'ACTIVE' AND next_rotation_at < ?")
                .param(java.sql.Timestamp.from(since))
                .query(Long.class)
                .single();
    }

    private static long percentile(List<Long> values, double quantile) {
        List<Long> sorted = values.stream().sorted().toList();
        return sorted.get((int) Math.min(sorted.size() - 1, Math.floor(quantile * sorted.size())));
    }
}
