package io.keyrotator.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyrotator.rotation.SchedulerProbe;
import io.keyrotator.support.Api;
import io.keyrotator.support.KeyrotatorIntegrationTest;
import io.keyrotator.support.MutableClock;
import io.keyrotator.support.OpenBaoExtension;
import io.keyrotator.support.TestServices;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Not part of the test suite (its name does not end in Tests): {@code scripts/benchmark.sh} runs it.
 * Registers N keys through the API, makes them all due, and times one scheduler sweep against real
 * OpenBao and PostgreSQL.
 */
@KeyrotatorIntegrationTest
class SchedulerSweepBenchmark {

    @RegisterExtension
    static final OpenBaoExtension vault = new OpenBaoExtension();

    @LocalServerPort
    int port;

    @Autowired
    MutableClock clock;

    @Autowired
    SchedulerProbe scheduler;

    @Value("${keyrotator.bench.keys:2000}")
    int keys;

    @Autowired
    io.keyrotator.rotation.RotationProperties properties;

    @DynamicPropertySource
    static void services(DynamicPropertyRegistry registry) {
        TestServices.register(registry, vault);
    }

    @Test
    void sweepOfDueKeys() throws Exception {
        Api api = new Api(port, TestServices.TOKEN);
        long registering = System.nanoTime();
        IntStream.range(0, keys)
                .parallel()
                .forEach(i -> assertThat(api.post(
                                        "/api/v1/keys",
                                        Map.of("name", "bench-" + i, "rotationPeriod", "PT2M", "overlap", "PT1M"))
                                .status())
                        .isEqualTo(201));
        double registerSeconds = (System.nanoTime() - registering) / 1e9;

        clock.advance(Duration.ofMinutes(2).plusSeconds(1));
        long sweeping = System.nanoTime();
        int rotated = scheduler.runOnce();
        int concurrency = properties.scheduler().concurrency();
        double sweepSeconds = (System.nanoTime() - sweeping) / 1e9;

        assertThat(rotated).isEqualTo(keys);
        String json = """
                {"keys": %d, "concurrency": %d, "registerSeconds": %.2f, "registrationsPerSecond": %.1f,
                 "sweepSeconds": %.2f, "rotationsPerSecond": %.1f}
                """.formatted(
                keys, concurrency, registerSeconds, keys / registerSeconds, sweepSeconds, rotated / sweepSeconds);
        Path out = Path.of("target/bench/scheduler-sweep.json");
        Files.createDirectories(out.getParent());
        Files.writeString(out, json);
        System.out.printf(
                "%n== scheduler sweep ==%n keys %d, concurrency %d%n registration via REST: %.1f/s%n"
                        + " scheduled rotations: %d in %.2f s = %.1f rotations/s%n figures in %s%n%n",
                keys, concurrency, keys / registerSeconds, rotated, sweepSeconds, rotated / sweepSeconds, out);
    }
}
