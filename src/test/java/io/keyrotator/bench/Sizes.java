package io.keyrotator.bench;

import java.util.List;

/**
 * How big each scenario runs: {@link #full()} for the quoted run ({@code scripts/benchmark.sh}),
 * {@link #smoke()} for the test suite, which only checks that every scenario still produces its
 * figures.
 *
 * @param concurrencies forced-rotation concurrencies; the scheduler's (8) must be among them
 * @param warmupPerWorker rotations per worker before each measured run, for the JIT
 * @param rotationsPerWorker measured rotations per worker and concurrency
 * @param slowRotationsPerWorker rotations per worker with Vault slowed by 50 ms a call
 * @param sweepKeys keys made due at once for the scheduler sweep
 * @param tickKeys fleet sizes for the idle scheduler tick
 * @param tickSeconds how long each idle fleet is watched (the scheduler ticks every 2 s)
 * @param webhookRotations rotations timed from commit to the receiver's 2xx
 * @param fanoutSubscribers subscriptions each fan-out rotation is delivered to
 * @param fanoutRotations rotations fanned out
 * @param startupRuns starts per start-up variant (median quoted); 0 skips start-up
 * @param thorough whether to measure properly: JMH forks and iterates, commit counts wait for PostgreSQL's statistics (false: the shortest runs that still produce every figure)
 */
record Sizes(
        List<Integer> concurrencies,
        int warmupPerWorker,
        int rotationsPerWorker,
        int slowRotationsPerWorker,
        int sweepKeys,
        List<Integer> tickKeys,
        int tickSeconds,
        int webhookRotations,
        int fanoutSubscribers,
        int fanoutRotations,
        int startupRuns,
        boolean thorough) {

    static final int SCHEDULER_CONCURRENCY = 8;
    static final int SLOW_CONCURRENCY = 16;

    static Sizes full() {
        return new Sizes(
                List.of(1, 4, 8, 16), 100, 200, 15, 10_000, List.of(1_000, 100_000), 20, 200, 50, 200, 3, true);
    }

    static Sizes smoke() {
        // no start-up runs: the image test (scripts/image.sh) trains the AOT cache and starts with it on
        // every CI run, and here it cost 50 s of the suite
        return new Sizes(List.of(1, 8), 2, 3, 1, 16, List.of(20, 40), 3, 3, 2, 2, 0, false);
    }

    /** For working on the harness or on a miss: minutes, not half an hour. */
    static Sizes medium() {
        return new Sizes(List.of(1, 8, 16), 20, 30, 5, 400, List.of(1_000, 10_000), 10, 20, 50, 200, 1, false);
    }

    static Sizes named(String name) {
        return switch (name) {
            case "smoke" -> smoke();
            case "medium" -> medium();
            default -> full();
        };
    }
}
