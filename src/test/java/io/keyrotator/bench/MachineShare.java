package io.keyrotator.bench;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * How much of the machine a set of processes took over a run: CPU seconds (and cores on average)
 * and the peak resident memory, sampled once a second from {@code /proc}. Processes that start
 * during the run count from zero.
 */
final class MachineShare {

    private final String name;
    private final Supplier<List<Long>> pids;
    private final Map<Long, Double> cpuAtStart = new HashMap<>();
    private final long startedNanos = System.nanoTime();
    private volatile double peakRssMib;
    private final Thread sampler;

    private MachineShare(String name, Supplier<List<Long>> pids) {
        this.name = name;
        this.pids = pids;
        pids.get().forEach(pid -> cpuAtStart.put(pid, ProcessStats.cpuSeconds(pid)));
        this.sampler = Thread.ofVirtual().start(this::sampleRss);
    }

    static MachineShare watch(String name, Supplier<List<Long>> pids) {
        return new MachineShare(name, pids);
    }

    Map<String, Object> stop() {
        sampler.interrupt();
        double seconds = (System.nanoTime() - startedNanos) / 1e9;
        double cpu = pids.get().stream()
                .mapToDouble(pid -> ProcessStats.cpuSeconds(pid) - cpuAtStart.getOrDefault(pid, 0.0))
                .sum();
        return Map.of(
                "process", name,
                "wallSeconds", Report.round(seconds),
                "cpuSeconds", Report.round(cpu),
                "averageCores", Report.round(cpu / seconds),
                "peakRssMib", Report.round(peakRssMib));
    }

    private void sampleRss() {
        while (!Thread.currentThread().isInterrupted()) {
            peakRssMib = Math.max(peakRssMib, ProcessStats.rssMib(pids.get()));
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                return;
            }
        }
    }
}
