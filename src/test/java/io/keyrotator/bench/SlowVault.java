package io.keyrotator.bench;

import io.keyrotator.support.FaultProxy;
import io.keyrotator.support.ServiceProcess;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A second service and the floor, both reaching OpenBao through the same WireMock proxy. First the
 * proxy adds nothing and counts the I/O of one rotation (Vault calls at the proxy, commits in
 * PostgreSQL); then every Vault call waits 50 ms. Concurrency 16 is above the service's pool of 10
 * connections: holding a connection across a Vault call would cap throughput at 10 ÷ latency.
 */
final class SlowVault {

    private static final Duration LATENCY = Duration.ofMillis(50);

    private final BenchStack stack;
    private final Sizes sizes;

    SlowVault(BenchStack stack, Sizes sizes) {
        this.stack = stack;
        this.sizes = sizes;
    }

    void run(Report report, ForcedRotations forced) throws Exception {
        int concurrency = Sizes.SLOW_CONCURRENCY;
        try (FaultProxy proxy = FaultProxy.start(stack.vault.address())) {
            ServiceProcess slow = stack.start("keyrotator-slow-vault", proxy.address());
            try {
                Rest rest = new Rest(stack.http, slow.port());
                List<String> ours = ForcedRotations.register(rest, "slow-kr", concurrency);
                List<String> floors = ForcedRotations.register(rest, "slow-floor", concurrency);
                Map<String, Object> raw = new LinkedHashMap<>();
                raw.put("io", countIo(proxy, rest, ours.get(0), floors.get(0)));
                Load.run(concurrency, sizes.warmupPerWorker(), w -> () -> rest.rotate(ours.get(w)));
                proxy.latency(LATENCY);
                int perWorker = sizes.slowRotationsPerWorker();
                Load.Figures bare = Floor.run(stack, proxy.address(), concurrency, perWorker, floors)
                        .requireNoErrors("floor with slow Vault");
                Load.Figures service = Load.run(concurrency, perWorker, w -> () -> rest.rotate(ours.get(w)))
                        .requireNoErrors("keyrotator with slow Vault");
                raw.put("keyrotator", Report.figures(service));
                raw.put("floor", Report.figures(bare));
                addRows(report, raw, service, bare, forced.floorAt(1));
                report.raw("slowVault", raw);
            } finally {
                slow.stop();
            }
        }
    }

    /** Vault calls and commits per rotation, keyrotator's and the floor's, at concurrency 1. */
    private Map<String, Object> countIo(FaultProxy proxy, Rest rest, String ours, String floor) throws Exception {
        int rotations = sizes.rotationsPerWorker();
        rest.rotate(ours);
        Floor.run(stack, proxy.address(), 1, 1, List.of(floor)).requireNoErrors("floor warm-up");
        Commits commits = new Commits(stack, sizes.thorough() ? Duration.ofSeconds(11) : Duration.ofMillis(200));
        long callsBefore = proxy.calls();
        long ourCommits = commits.during(() -> {
            for (int i = 0; i < rotations; i++) {
                rest.rotate(ours);
            }
        });
        long ourCalls = proxy.calls() - callsBefore;
        long floorCommits = commits.during(() ->
                Floor.run(stack, proxy.address(), 1, rotations, List.of(floor)).requireNoErrors("floor I/O count"));
        long floorCalls = proxy.calls() - callsBefore - ourCalls;
        return Map.of(
                "rotations", rotations,
                "keyrotatorVaultCallsPerRotation", Report.round((double) ourCalls / rotations),
                "keyrotatorCommitsPerRotation", Report.round((double) ourCommits / rotations),
                "floorVaultCallsPerRotation", Report.round((double) floorCalls / rotations),
                "floorCommitsPerRotation", Report.round((double) floorCommits / rotations),
                "minimumVaultCallsPerRotation", 2,
                "minimumCommitsPerRotation", 1);
    }

    private static void addRows(
            Report report, Map<String, Object> raw, Load.Figures ours, Load.Figures bare, Load.Figures floorAtOne) {
        @SuppressWarnings("unchecked")
        Map<String, Object> io = (Map<String, Object>) raw.get("io");
        double calls = ((Number) io.get("keyrotatorVaultCallsPerRotation")).doubleValue();
        double ideal = Sizes.SLOW_CONCURRENCY / ((floorAtOne.p50() + calls * LATENCY.toMillis()) / 1000);
        raw.put("idealRotationsPerSecond", Report.round(ideal));
        report.ratio(
                "Vault slowed by 50 ms per call, concurrency 16",
                "throughput ÷ (16 ÷ (floor p50 %.1f ms + %.0f calls × 50 ms)) (%.1f ÷ %.1f/s; floor %.1f/s)"
                        .formatted(floorAtOne.p50(), calls, ours.perSecond(), ideal, bare.perSecond()),
                ours.perSecond() / ideal,
                ">=",
                0.8);
        report.row(
                "I/O per rotation",
                "Vault calls, commits: keyrotator / floor / least a crash-safe design needs",
                "%s, %s / %s, %s / 2, 1"
                        .formatted(
                                io.get("keyrotatorVaultCallsPerRotation"),
                                io.get("keyrotatorCommitsPerRotation"),
                                io.get("floorVaultCallsPerRotation"),
                                io.get("floorCommitsPerRotation")),
                "floor = keyrotator",
                null);
    }
}
