package io.keyrotator.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyrotator.support.OwnServices;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/**
 * Runs every benchmark scenario but start-up at the smallest sizes, so the harness cannot rot
 * (start-up with the AOT cache is what the image test does on every CI run). No timing is
 * asserted: speed goals live in the benchmark ({@code scripts/benchmark.sh}), not in tests.
 */
@OwnServices
class BenchmarkSmokeIntegrationTests {

    @Test
    void everyScenarioProducesItsFigures() throws Exception {
        Report report = Harness.run(Sizes.smoke());

        assertThat(report.rows())
                .extracting(Report.Row::scenario)
                .anyMatch(s -> s.startsWith("forced rotations via REST"))
                .anyMatch(s -> s.startsWith("Vault slowed"))
                .anyMatch(s -> s.startsWith("I/O per rotation"))
                .anyMatch(s -> s.startsWith("scheduler sweep"))
                .anyMatch(s -> s.startsWith("scheduler tick"))
                .anyMatch(s -> s.startsWith("key gauges"))
                .anyMatch(s -> s.startsWith("commit → webhook"))
                .anyMatch(s -> s.startsWith("fan-out"))
                .anyMatch(s -> s.startsWith("key generation"))
                .anyMatch(s -> s.startsWith("leak report to invalid"))
                .anyMatch(s -> s.startsWith("steady-state memory"));
        assertThat(Files.readString(Harness.RESULTS)).contains("\"forcedRotations\"", "\"machineShare\"");
    }
}
