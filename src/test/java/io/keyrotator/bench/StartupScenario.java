package io.keyrotator.bench;

import io.keyrotator.support.OpenBaoServer;
import io.keyrotator.support.ServiceProcess;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Fork to readiness (200 from {@code /actuator/health/readiness}) of the packaged jar as built, of
 * the same jar extracted ({@code -Djarmode=tools extract}), and of the extracted jar with a JDK 25
 * AOT cache recorded by a training run that stops once the context has refreshed
 * ({@code -Dspring.context.exit=onRefresh}), as the Dockerfile does. Median of a few starts each.
 */
final class StartupScenario {

    private static final Path DIR = Path.of("target/bench/startup");

    private final BenchStack stack;
    private final Sizes sizes;

    StartupScenario(BenchStack stack, Sizes sizes) {
        this.stack = stack;
        this.sizes = sizes;
    }

    void run(Report report) throws Exception {
        Path extracted = extract();
        Path cache = DIR.resolve("keyrotator.aot").toAbsolutePath();
        List<String> training = new ArrayList<>(List.of(
                "-XX:AOTCacheOutput=" + cache, "-Dspring.context.exit=onRefresh", "-jar", extracted.toString()));
        training.addAll(arguments(OpenBaoServer.freePort(), OpenBaoServer.freePort()));
        try (JvmProcess run = JvmProcess.start(training, DIR.resolve("training.log"))) {
            run.awaitExit();
        }
        Map<String, Double> medians = new LinkedHashMap<>();
        medians.put(
                "packagedJar",
                median(List.of("-jar", ServiceProcess.jar().toAbsolutePath().toString())));
        medians.put("extractedJar", median(List.of("-jar", extracted.toString())));
        medians.put("extractedJarWithAotCache", median(List.of("-XX:AOTCache=" + cache, "-jar", extracted.toString())));
        report.raw("startup", Map.of("runs", sizes.startupRuns(), "medianSeconds", medians));
        double plain = medians.get("extractedJar");
        double cached = medians.get("extractedJarWithAotCache");
        report.ratio(
                "start-up to readiness",
                "AOT cache ÷ plain (%.2f s ÷ %.2f s extracted; packaged jar %.2f s)"
                        .formatted(cached, plain, medians.get("packagedJar")),
                cached / plain,
                "<=",
                0.6);
    }

    private double median(List<String> launch) throws Exception {
        List<Double> seconds = new ArrayList<>();
        for (int i = 0; i < sizes.startupRuns(); i++) {
            int port = OpenBaoServer.freePort();
            int management = OpenBaoServer.freePort();
            List<String> arguments = new ArrayList<>(launch);
            arguments.addAll(arguments(port, management));
            try (JvmProcess service = JvmProcess.start(arguments, DIR.resolve("start-" + i + ".log"))) {
                seconds.add(service.secondsUntil(
                        URI.create("http://127.0.0.1:" + management + "/actuator/health/readiness"), 200));
            }
        }
        seconds.sort(Comparator.naturalOrder());
        return seconds.get(seconds.size() / 2);
    }

    private List<String> arguments(int port, int management) {
        Map<String, String> properties = stack.properties(stack.vault.address());
        properties.put("server.port", Integer.toString(port));
        properties.put("management.server.port", Integer.toString(management));
        return properties.entrySet().stream()
                .map(e -> "--" + e.getKey() + "=" + e.getValue())
                .toList();
    }

    /** The layout the Dockerfile runs: the application jar with its dependencies beside it in lib/. */
    private static Path extract() throws Exception {
        Path destination = DIR.resolve("extracted");
        if (Files.exists(destination)) {
            try (Stream<Path> files = Files.walk(destination)) {
                files.sorted(Comparator.reverseOrder()).forEach(StartupScenario::delete);
            }
        }
        Files.createDirectories(DIR);
        List<String> command = List.of(
                "-Djarmode=tools",
                "-jar",
                ServiceProcess.jar().toAbsolutePath().toString(),
                "extract",
                "--destination",
                destination.toAbsolutePath().toString());
        try (JvmProcess tools = JvmProcess.start(command, DIR.resolve("extract.log"))) {
            if (tools.awaitExit() != 0) {
                throw new IllegalStateException("extracting the jar failed: see " + DIR.resolve("extract.log"));
            }
        }
        return destination.resolve(ServiceProcess.jar().getFileName()).toAbsolutePath();
    }

    private static void delete(Path file) {
        try {
            Files.delete(file);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
