package io.keyrotator.bench;

import io.keyrotator.support.OpenBaoServer;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Resident memory (VmRSS) of the service after the sweep against an empty Spring Boot web+JPA app,
 * both on the same JVM with the same (default) flags, each read once it has been idle a few seconds.
 * The empty app is built from {@code bench/empty-app}, whose only dependencies are the webmvc and
 * data-jpa starters and the PostgreSQL driver, so its auto-configuration sees nothing else.
 */
final class MemoryScenario {

    /** Where {@code scripts/benchmark.sh} builds the empty app. */
    static final Path EMPTY_APP = Path.of("bench/empty-app/target/empty-web-jpa.jar");

    /** Idle time before reading RSS: background work after the sweep (recovery, gauges, GC) has settled. */
    private final Duration settle;

    private final BenchStack stack;

    /** {@code thorough}: wait 35 s for the process to settle; otherwise (the smoke run) 1 s. */
    MemoryScenario(BenchStack stack, boolean thorough) {
        this.stack = stack;
        this.settle = Duration.ofSeconds(thorough ? 35 : 1);
    }

    void run(Report report, String after) throws Exception {
        Thread.sleep(settle);
        Map<String, Object> ourMemory = JvmMemory.of(stack.service.pid());
        double ours = ((Number) ourMemory.get("rssMib")).doubleValue();
        if (!Files.exists(EMPTY_APP)) {
            report.raw("memory", Map.of("keyrotator", ourMemory));
            report.row(
                    "steady-state memory after the " + after,
                    "RSS",
                    "%.0f MiB".formatted(ours),
                    "≤ 1.3 × empty web+JPA app (not built: run scripts/benchmark.sh)",
                    null);
            return;
        }
        Map<String, Object> emptyMemory = emptyApp();
        double empty = ((Number) emptyMemory.get("rssMib")).doubleValue();
        report.raw("memory", Map.of("keyrotator", ourMemory, "emptyWebJpa", emptyMemory));
        report.ratio(
                "steady-state memory after the " + after,
                "RSS ÷ empty web+JPA app's (%.0f ÷ %.0f MiB)".formatted(ours, empty),
                ours / empty,
                "<=",
                1.3);
    }

    private Map<String, Object> emptyApp() throws Exception {
        int port = OpenBaoServer.freePort();
        List<String> arguments = new java.util.ArrayList<>(BenchStack.jvmOptions());
        arguments.addAll(List.of(
                "-jar",
                EMPTY_APP.toAbsolutePath().toString(),
                "--server.port=" + port,
                "--spring.datasource.url=" + stack.database.jdbcUrl(),
                "--spring.datasource.username=" + stack.database.username(),
                "--spring.datasource.password=" + stack.database.password()));
        try (JvmProcess app = JvmProcess.start(arguments, Path.of("target/processes/empty-web-jpa.log"))) {
            app.secondsUntil(URI.create("http://127.0.0.1:" + port + "/"), 404);
            Thread.sleep(settle);
            return JvmMemory.of(app.pid());
        }
    }
}
