package io.keyrotator.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Forced rotations through the REST API at each concurrency, against the floor at the same
 * concurrency on the same OpenBao and PostgreSQL. Each worker rotates a key of its own, so the
 * figures measure the path of one rotation, not the per-key lock.
 */
final class ForcedRotations {

    /** Compiler CPU per second of wall time below which the service counts as warm. */
    private static final double QUIET_COMPILE_SHARE = 0.05;

    private static final int MAX_WARM_ROUNDS = 15;

    private final BenchStack stack;
    private final Sizes sizes;
    private final Rest rest;
    private final Map<Integer, Load.Figures> keyrotator = new LinkedHashMap<>();
    private final Map<Integer, Load.Figures> floor = new LinkedHashMap<>();
    private final Map<Integer, Load.Figures> minimal = new LinkedHashMap<>();
    private final Map<Integer, Load.Figures> seed = new LinkedHashMap<>();
    private final Map<String, Object> cpu = new LinkedHashMap<>();
    private final Map<String, Object> warmUp = new LinkedHashMap<>();

    ForcedRotations(BenchStack stack, Sizes sizes) {
        this.stack = stack;
        this.sizes = sizes;
        this.rest = new Rest(stack.http, stack.service.port());
    }

    void run(Report report) throws Exception {
        warmUp();
        for (int concurrency : sizes.concurrencies()) {
            List<String> ours = register("kr-" + concurrency, concurrency);
            List<String> floors = register("floor-" + concurrency, concurrency);
            List<String> minimals = register("minimal-" + concurrency, concurrency);
            List<String> seeds = register("seed-" + concurrency, concurrency);
            measure(concurrency, sizes.warmupPerWorker(), ours, floors);
            bareFloors(concurrency, sizes.warmupPerWorker(), minimals, seeds);
            Load.Figures[] measured = measure(concurrency, sizes.rotationsPerWorker(), ours, floors);
            Load.Figures[] bare = bareFloors(concurrency, sizes.rotationsPerWorker(), minimals, seeds);
            floor.put(concurrency, measured[0]);
            keyrotator.put(concurrency, measured[1]);
            minimal.put(concurrency, bare[0]);
            seed.put(concurrency, bare[1]);
            addRows(report, concurrency, measured[1], measured[0]);
            addMinimalRows(report, concurrency, measured[1], bare[0], bare[1]);
        }
        Map<String, Object> raw = new LinkedHashMap<>();
        keyrotator.forEach((c, f) -> raw.put("keyrotator-" + c, Report.figures(f)));
        floor.forEach((c, f) -> raw.put("floor-" + c, Report.figures(f)));
        minimal.forEach((c, f) -> raw.put("minimal-" + c, Report.figures(f)));
        seed.forEach((c, f) -> raw.put("seedLoop-" + c, Report.figures(f)));
        report.raw("forcedRotations", raw);
        report.raw("cpuMillisPerRotation", cpu);
        report.raw("warmUp", warmUp);
    }

    /**
     * Both sides run their hot paths until the service's JIT is quiet: rounds of rotations go on
     * while its compiler threads spend more than {@link #QUIET_COMPILE_SHARE} of a round's wall
     * time compiling (at most {@link #MAX_WARM_ROUNDS}), so the measured runs do not pay for C2.
     */
    private void warmUp() throws Exception {
        int workers = 4;
        int perWorker = sizes.warmupPerWorker() * 2;
        List<String> ours = register("warm-kr", workers);
        List<String> floors = register("warm-floor", workers);
        int maxRounds = sizes.thorough() ? MAX_WARM_ROUNDS : 1;
        List<Double> shares = new ArrayList<>();
        double share = 1;
        for (int round = 0; round < maxRounds && share > QUIET_COMPILE_SHARE; round++) {
            double compiled = ProcessStats.compilerCpuSeconds(stack.service.pid());
            long began = System.nanoTime();
            Load.run(workers, perWorker, w -> () -> rest.rotate(ours.get(w))).requireNoErrors("keyrotator warm-up");
            double seconds = (System.nanoTime() - began) / 1e9;
            share = (ProcessStats.compilerCpuSeconds(stack.service.pid()) - compiled) / seconds;
            shares.add(Report.round(share));
        }
        Floor.run(stack, stack.vault.address(), workers, perWorker * 5 / 2, floors)
                .requireNoErrors("floor warm-up");
        warmUp.put("rotationsPerRound", workers * perWorker);
        warmUp.put("compilerCpuShareByRound", shares);
        warmUp.put("quiet", share <= QUIET_COMPILE_SHARE);
    }

    Load.Figures keyrotatorAt(int concurrency) {
        return keyrotator.get(concurrency);
    }

    Load.Figures floorAt(int concurrency) {
        return floor.get(concurrency);
    }

    private Load.Figures[] measure(int concurrency, int perWorker, List<String> ours, List<String> floors)
            throws Exception {
        Load.Figures bare;
        try (Floor floor = Floor.open(stack, stack.vault.address(), concurrency)) {
            CpuPerOperation floorCpu = CpuPerOperation.start(stack);
            bare = floor.run(perWorker, floors).requireNoErrors("floor at concurrency " + concurrency);
            cpu.put("floor-" + concurrency, floorCpu.stop(bare.operations()));
        }
        CpuPerOperation ourCpu = CpuPerOperation.start(stack);
        Load.Figures service = Load.run(concurrency, perWorker, w -> () -> rest.rotate(ours.get(w)))
                .requireNoErrors("keyrotator at concurrency " + concurrency);
        cpu.put("keyrotator-" + concurrency, ourCpu.stop(service.operations()));
        return new Load.Figures[] {bare, service};
    }

    /**
     * The minimal crash-safe rotation and the seed loop at this concurrency, each worker on a key
     * of its own; returns {minimal, seed loop}.
     */
    private Load.Figures[] bareFloors(int concurrency, int perWorker, List<String> minimals, List<String> seeds)
            throws Exception {
        FloorVault vault = new FloorVault(stack.http, stack.vault.address(), stack.vault.rootToken());
        List<java.sql.Connection> connections = new ArrayList<>();
        try {
            List<MinimalRotation> rotations = new ArrayList<>();
            for (String name : minimals) {
                java.sql.Connection connection = stack.connect();
                connections.add(connection);
                rotations.add(new MinimalRotation(new Jdbc(connection), vault, name));
            }
            Load.Figures least = Load.run(concurrency, perWorker, rotations::get)
                    .requireNoErrors("minimal at concurrency " + concurrency);
            Load.Figures naive = Load.run(
                            concurrency, perWorker, w -> new SeedLoop(vault, "secret", "api-keys/" + seeds.get(w)))
                    .requireNoErrors("seed loop at concurrency " + concurrency);
            return new Load.Figures[] {least, naive};
        } finally {
            for (java.sql.Connection connection : connections) {
                connection.close();
            }
        }
    }

    /** Issue 19's targets against the minimal floor; the seed loop is shown, with no target. */
    private static void addMinimalRows(
            Report report, int concurrency, Load.Figures ours, Load.Figures least, Load.Figures naive) {
        String scenario = "forced rotations via REST, concurrency " + concurrency;
        report.ratio(
                scenario,
                "rotations/s ÷ minimal (%.0f ÷ %.0f)".formatted(ours.perSecond(), least.perSecond()),
                ours.perSecond() / least.perSecond(),
                ">=",
                concurrency == 1 ? 0.5 : 0.4);
        if (concurrency == 1) {
            report.ratio(
                    scenario,
                    "p50 ÷ minimal's (%.1f ÷ %.1f ms)".formatted(ours.p50(), least.p50()),
                    ours.p50() / least.p50(),
                    "<=",
                    2.0);
        }
        report.row(
                scenario,
                "seed loop (no CAS, no database): rotations/s, p50",
                "%.0f/s, %.1f ms (keyrotator ÷ seed loop %.2f)"
                        .formatted(naive.perSecond(), naive.p50(), ours.perSecond() / naive.perSecond()),
                "—",
                null);
    }

    List<String> register(String prefix, int count) throws Exception {
        return register(rest, prefix, count);
    }

    static List<String> register(Rest rest, String prefix, int count) throws Exception {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            names.add(prefix + "-" + i);
            rest.registerKey(prefix + "-" + i, "PT1H");
        }
        return names;
    }

    private static void addRows(Report report, int concurrency, Load.Figures ours, Load.Figures bare) {
        String scenario = "forced rotations via REST, concurrency " + concurrency;
        report.ratio(
                scenario,
                "rotations/s ÷ floor (%.0f ÷ %.0f)".formatted(ours.perSecond(), bare.perSecond()),
                ours.perSecond() / bare.perSecond(),
                ">=",
                0.8);
        report.ratio(
                scenario,
                "p50 ÷ floor's (%.1f ÷ %.1f ms)".formatted(ours.p50(), bare.p50()),
                ours.p50() / bare.p50(),
                "<=",
                1.3);
        report.ratio(
                scenario,
                "p99 ÷ floor's (%.1f ÷ %.1f ms)".formatted(ours.p99(), bare.p99()),
                ours.p99() / bare.p99(),
                "<=",
                1.5);
    }
}
