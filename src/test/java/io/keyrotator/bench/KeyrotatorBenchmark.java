package io.keyrotator.bench;

import org.junit.jupiter.api.Test;

/**
 * The full benchmark. Not part of the test suite (its name does not end in Tests):
 * {@code scripts/benchmark.sh} runs it through Failsafe, after {@code package} built the jar.
 */
class KeyrotatorBenchmark {

    @Test
    void measureKeyrotatorAgainstItsFloor() throws Exception {
        Report report = Harness.run(
                Sizes.named(System.getProperty("keyrotator.bench.size", "full")),
                System.getProperty("keyrotator.bench.only", "all"));
        System.out.printf("%n== keyrotator benchmark ==%n%s%nfigures in %s%n%n", report.table(), Harness.RESULTS);
    }
}
