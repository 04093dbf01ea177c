package io.keyrotator.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyrotator.support.Api;
import io.keyrotator.support.ServiceProcess;
import io.keyrotator.support.TestServices;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Scenario 2: three replicas on one database and one OpenBao, every key due at once, and forced
 * rotations of the same keys fired at all three replicas together.
 */
class ReplicaReliabilityIntegrationTests {

    private final Scale scale = Scale.current();

    @Test
    void threeReplicasRotateEachDueKeyOnceAndNoForcedRotationFails() throws Exception {
        try (Stack stack = Stack.inMemory("replicas")) {
            List<ServiceProcess> replicas = new ArrayList<>();
            for (String name : List.of("replica-a", "replica-b", "replica-c")) {
                // four JVMs on 2 cores stall for two seconds at times: an attempt that times out after
                // the receiver got it is sent again by design (at least once), which the duplicate
                // invariant could not tell from two replicas sending one attempt; nothing is killed here
                replicas.add(stack.service(
                        name,
                        Map.of(
                                "keyrotator.scheduler.poll-interval",
                                "PT0.5S",
                                "keyrotator.webhooks.timeout",
                                "PT10S")));
            }
            replicas.parallelStream().forEach(ServiceProcess::start);
            Api first = replicas.getFirst().api(TestServices.TOKEN);
            stack.subscribe(first, "standard");
            List<String> keys = stack.registerKeys(
                    first, "replica", scale.replicaKeys(), Map.of("rotationPeriod", "P1D", "overlap", "PT3S"));
            List<String> forced = keys.subList(0, Math.min(50, keys.size()));

            stack.makeAllDue();
            List<Api.Response> answers = fireAtAllReplicas(replicas, forced);
            Awaitility.await("every due key rotated")
                    .atMost(Duration.ofMinutes(3))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> stack.db
                                    .sql("SELECT count(*) FROM managed_key k WHERE NOT EXISTS (SELECT 1 FROM"
                                            + " key_version v WHERE v.key_id = k.id AND v.version > 1 AND v.trigger = 'SCHEDULED'"
                                            + " AND v.activated_at IS NOT NULL) AND k.id NOT IN (SELECT key_id FROM key_version"
                                            + " WHERE trigger = 'MANUAL')")
                                    .query(Long.class)
                                    .single()
                            == 0);
            Thread.sleep(3_000); // long enough for a second, wrong rotation to show
            // and for every overlap to end, so the sampler has seen each one closed or late
            List<String> unsettled = Settle.pauseAndDrainOrReport(stack.db, first, keys, Duration.ofSeconds(60));

            Invariants invariants = stack.invariants()
                    .keys(first, Instant.now(), Stack.POLL.plus(Stack.OVERLAP_MARGIN))
                    .events(Set.of("key.rotated"))
                    .overlapsWereSampled()
                    .noKeyIn(replicas.stream().map(ServiceProcess::log).toList());
            Map<String, Object> rotations = stack.db.sql("""
                            SELECT count(*) FILTER (WHERE trigger = 'SCHEDULED') AS scheduled,
                                   count(*) FILTER (WHERE trigger = 'MANUAL') AS manual,
                                   count(*) FILTER (WHERE state = 'FAILED') AS failed
                            FROM key_version WHERE version > 1""").query().singleRow();
            long twiceScheduled = stack.db
                    .sql("SELECT count(*) FROM (SELECT key_id FROM key_version WHERE trigger ="
                            + " 'SCHEDULED' GROUP BY key_id HAVING count(*) > 1) doubled")
                    .query(Long.class)
                    .single();
            long overlappingTicks = overlappingSchedulerWork(stack);
            long userFailures =
                    answers.stream().filter(answer -> answer.status() >= 300).count();
            Report.print(
                    "replicas",
                    Report.figures(
                            "replicas", replicas.size(),
                            "dueKeys", keys.size(),
                            "forcedRequests", answers.size(),
                            "forcedFailures", userFailures,
                            "scheduledRotations", rotations.get("scheduled"),
                            "manualRotations", rotations.get("manual"),
                            "keysScheduledTwice", twiceScheduled,
                            "overlappingSchedulerWork", overlappingTicks,
                            "latestOverlapCloseMillis", stack.overlaps.figures().get("latestOverlapCloseMillis"),
                            "invariantChecks", invariants.checks(),
                            "violations", invariants.violations().size()));
            assertThat(answers)
                    .allSatisfy(answer ->
                            assertThat(answer.status()).as(answer.toString()).isEqualTo(201));
            assertThat(twiceScheduled).isZero();
            assertThat(rotations.get("failed")).isEqualTo(0L);
            assertThat(overlappingTicks).isZero();
            assertThat(invariants.violations()).isEmpty();
            assertThat(unsettled).isEmpty();
        }
    }

    /** Every forced key is rotated through each of the three replicas at the same moment. */
    private static List<Api.Response> fireAtAllReplicas(List<ServiceProcess> replicas, List<String> keys)
            throws Exception {
        List<Future<Api.Response>> futures = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(24)) {
            for (String key : keys) {
                for (ServiceProcess replica : replicas) {
                    Api api = replica.api(TestServices.TOKEN);
                    futures.add(pool.submit(
                            () -> api.post("/api/v1/keys/" + key + "/rotations", Map.of("reason", "replica race"))));
                }
            }
            List<Api.Response> answers = new ArrayList<>();
            for (Future<Api.Response> future : futures) {
                answers.add(future.get());
            }
            return answers;
        }
    }

    /**
     * Scheduled rotations by one replica that started while another replica's scheduled rotation was
     * still in flight: zero when ShedLock lets one scheduler run at a time.
     */
    private static long overlappingSchedulerWork(Stack stack) {
        return stack.db.sql("""
                        SELECT count(*) FROM vault_write_intent a JOIN key_version va ON va.id = a.version_id
                        JOIN vault_write_intent b ON b.owner <> a.owner AND b.created_at > a.created_at
                            AND b.created_at < a.finished_at
                        JOIN key_version vb ON vb.id = b.version_id
                        WHERE va.trigger = 'SCHEDULED' AND vb.trigger = 'SCHEDULED'""").query(Long.class).single();
    }
}
