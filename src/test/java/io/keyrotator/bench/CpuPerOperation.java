package io.keyrotator.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * CPU milliseconds per operation, by process, over one measured run: the service, the benchmark's
 * own JVM (the load generator, or the floor itself), OpenBao and PostgreSQL. On two cores this is
 * what bounds throughput once the machine is busy.
 */
final class CpuPerOperation {

    private final Map<String, Supplier<List<Long>>> processes = new LinkedHashMap<>();
    private final Map<String, Double> before = new LinkedHashMap<>();

    private CpuPerOperation(BenchStack stack) {
        String port = ":" + stack.vault.address().getPort();
        processes.put("service", () -> List.of(stack.service.pid()));
        processes.put("benchmarkJvm", () -> List.of(ProcessHandle.current().pid()));
        processes.put("openbao", () -> ProcessStats.withArgument("bao", port));
        processes.put("postgresql", () -> ProcessStats.postgresFor(stack.database.name()));
        processes.forEach((name, pids) -> before.put(name, cpu(pids)));
    }

    static CpuPerOperation start(BenchStack stack) {
        return new CpuPerOperation(stack);
    }

    Map<String, Double> stop(long operations) {
        Map<String, Double> perOperation = new LinkedHashMap<>();
        processes.forEach((name, pids) ->
                perOperation.put(name, Report.round((cpu(pids) - before.get(name)) * 1000 / operations)));
        return perOperation;
    }

    private static double cpu(Supplier<List<Long>> pids) {
        return pids.get().stream().mapToDouble(ProcessStats::cpuSeconds).sum();
    }
}
