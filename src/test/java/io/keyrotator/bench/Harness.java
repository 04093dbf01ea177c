package io.keyrotator.bench;

import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The benchmark of issue 15, every scenario in one run on one machine: start OpenBao, a database
 * and the packaged service, run each scenario after its warm-up, and report the ratios to the floor
 * and the targets as a table and as JSON. OpenBao's and PostgreSQL's share of the machine is
 * recorded over the whole run.
 */
final class Harness {

    static final Path RESULTS = Path.of("target/bench/results.json");

    private Harness() {}

    static Report run(Sizes sizes) throws Exception {
        return run(sizes, "all");
    }

    /**
     * @param only "all", or a comma-separated list of micro, slow, leaks, jobs, webhooks, scheduler, startup (the
     *     forced rotations always run: the other scenarios compare against them)
     */
    static Report run(Sizes sizes, String only) throws Exception {
        java.util.function.Predicate<String> selected = name -> only.equals("all") || only.contains(name);
        Report report = new Report();
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("startedAt", Instant.now().toString());
        run.put("sizes", sizes);
        run.put("cores", Runtime.getRuntime().availableProcessors());
        run.put("java", Runtime.version().toString());
        run.put("loadAverageAtStart", ProcessStats.loadAverage());
        report.raw("run", run);
        try (BenchStack stack = new BenchStack(sizes.equals(Sizes.smoke()))) {
            runScenarios(sizes, selected, report, stack);
        } finally {
            // whatever was measured before a failure is still worth reading
            run.put("finishedAt", Instant.now().toString());
            run.put("loadAverageAtEnd", ProcessStats.loadAverage());
            report.write(RESULTS);
        }
        return report;
    }

    private static void runScenarios(
            Sizes sizes, java.util.function.Predicate<String> selected, Report report, BenchStack stack)
            throws Exception {
        String port = ":" + stack.vault.address().getPort();
        List<MachineShare> shares = List.of(
                MachineShare.watch("openbao", () -> ProcessStats.withArgument("bao", port)),
                MachineShare.watch("postgresql", () -> ProcessStats.postgresFor(stack.database.name())),
                MachineShare.watch("keyrotator", () -> List.of(stack.service.pid())));
        if (selected.test("micro")) {
            new MicroBenchmarks(sizes).run(report);
        }
        ForcedRotations forced = new ForcedRotations(stack, sizes);
        forced.run(report);
        if (selected.test("slow")) {
            new SlowVault(stack, sizes).run(report, forced);
        }
        if (selected.test("leaks")) {
            new LeakScenario(stack, sizes).run(report, forced);
        }
        if (selected.test("jobs")) {
            new JobScenario(stack, sizes).run(report, forced);
        }
        if (selected.test("webhooks")) {
            new WebhookScenarios(stack, sizes).run(report);
        }
        if (selected.test("scheduler")) {
            SchedulerScenarios scheduler = new SchedulerScenarios(stack, sizes);
            scheduler.idleTick(sizes.tickKeys().get(0));
            scheduler.sweep(report, forced);
            new MemoryScenario(stack, sizes.thorough()).run(report, "sweep");
            scheduler.idleTick(sizes.tickKeys().get(1));
            scheduler.reportTicks(report);
        }
        report.raw("machineShare", shares.stream().map(MachineShare::stop).toList());
        stack.service.stop();
        if (sizes.startupRuns() > 0 && selected.test("startup")) {
            new StartupScenario(stack, sizes).run(report);
        }
    }
}
