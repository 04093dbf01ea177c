package io.keyrotator.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyrotator.support.Api;
import io.keyrotator.support.OwnServices;
import io.keyrotator.support.ServiceProcess;
import io.keyrotator.support.TestServices;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Two replicas whose clocks are 90 s apart ({@code keyrotator.clock.offset} of +45 s and -45 s,
 * both far beyond the intent lease of 6 s) rotate the same keys, by schedule and by force, at once.
 * Intent leases are counted in the database's time, so no intent changes owner while its owner is
 * alive: none is closed by recovery, none finishes after its lease, and no rotation fails.
 */
@OwnServices
class ClockSkewReliabilityIntegrationTests {

    private static final Duration FORCING = Duration.ofSeconds(15);

    @Test
    void noIntentChangesOwnerWhileItsOwnerIsAliveWhenReplicaClocksDiffer() throws Exception {
        try (Stack stack = Stack.inMemory("skew")) {
            ServiceProcess ahead = stack.service("skew-ahead", Map.of("keyrotator.clock.offset", "PT45S"));
            ServiceProcess behind = stack.service("skew-behind", Map.of("keyrotator.clock.offset", "-PT45S"));
            List.of(ahead, behind).parallelStream().forEach(ServiceProcess::start);
            Api first = ahead.api(TestServices.TOKEN);
            List<String> keys =
                    stack.registerKeys(first, "skew", 12, Map.of("rotationPeriod", "PT3S", "overlap", "PT0S"));

            List<Api.Response> answers = forceFromBoth(List.of(ahead, behind), keys);
            List<String> unsettled = Settle.pauseAndDrainOrReport(stack.db, first, keys, Duration.ofSeconds(60));
            Invariants invariants = stack.invariants()
                    .keys(first, java.time.Instant.now(), Stack.POLL.plus(Stack.OVERLAP_MARGIN))
                    .noKeyIn(List.of(ahead.log(), behind.log()));

            long owners = count(stack, "SELECT count(DISTINCT owner) FROM vault_write_intent");
            long takenOver = count(stack, "SELECT count(*) FROM vault_write_intent WHERE finished_at >= lease_until");
            long rolledBack = count(stack, "SELECT count(*) FROM vault_write_intent WHERE outcome = 'interrupted'");
            long written = count(stack, "SELECT count(*) FROM vault_write_intent WHERE state = 'DONE'");
            long scheduled = count(stack, "SELECT count(*) FROM key_version WHERE trigger = 'SCHEDULED'");
            Report.print(
                    "skew",
                    Report.figures(
                            "clockOffsets", "+45 s, -45 s",
                            "keys", keys.size(),
                            "forcedRequests", answers.size(),
                            "scheduledRotations", scheduled,
                            "writes", written,
                            "writingReplicas", owners,
                            "intentsTakenOver", takenOver,
                            "intentsRolledBack", rolledBack,
                            "violations", invariants.violations().size()));
            assertThat(answers)
                    .isNotEmpty()
                    .allSatisfy(answer ->
                            assertThat(answer.status()).as(answer.body()).isEqualTo(201));
            assertThat(owners).as("both replicas wrote").isEqualTo(2);
            assertThat(takenOver)
                    .as("intents finished after their lease, i.e. taken over")
                    .isZero();
            assertThat(rolledBack).as("intents rolled back by recovery").isZero();
            assertThat(written).as("writes, scheduled and forced").isGreaterThan(keys.size() * 3L);
            assertThat(invariants.violations()).isEmpty();
            assertThat(unsettled).isEmpty();
        }
    }

    /** Each replica forces rotations of every key, round and round, for {@link #FORCING}. */
    private static List<Api.Response> forceFromBoth(List<ServiceProcess> replicas, List<String> keys) throws Exception {
        long until = System.nanoTime() + FORCING.toNanos();
        List<Future<List<Api.Response>>> loops = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(replicas.size())) {
            for (ServiceProcess replica : replicas) {
                Api api = replica.api(TestServices.TOKEN);
                loops.add(pool.submit(() -> {
                    List<Api.Response> answers = new ArrayList<>();
                    while (System.nanoTime() < until) {
                        for (String key : keys) {
                            answers.add(api.post("/api/v1/keys/" + key + "/rotations", Map.of("reason", "skew")));
                        }
                    }
                    return answers;
                }));
            }
            List<Api.Response> all = new ArrayList<>();
            for (Future<List<Api.Response>> loop : loops) {
                all.addAll(loop.get());
            }
            return all;
        }
    }

    private static long count(Stack stack, String sql) {
        return stack.db.sql(sql).query(Long.class).single();
    }
}
