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
        Path offline = train(extracted, "offline", offlineTraining());
        Map<String, Double> medians = new LinkedHashMap<>();
        medians.put("extractedJar", median(List.of("-jar", extracted.toString())));
        medians.put("aotCacheTrainedOffline", median(List.of("-XX:AOTCache=" + offline, "-jar", extracted.toString())));
        // the smoke run stops here: the other variants are the same code with other arguments
        if (sizes.thorough()) {
            Path online = train(extracted, "online", arguments(OpenBaoServer.freePort(), OpenBaoServer.freePort()));
            medians.put(
                    "packagedJar",
                    median(List.of("-jar", ServiceProcess.jar().toAbsolutePath().toString())));
            medians.put(
                    "aotCacheTrainedOnline", median(List.of("-XX:AOTCache=" + online, "-jar", extracted.toString())));
        }
        report.raw("startup", Map.of("runs", sizes.startupRuns(), "medianSeconds", medians));
        double plain = medians.get("extractedJar");
        report.ratio(
                "start-up to readiness, AOT cache as the Dockerfile records it",
                "cache ÷ plain (%.2f s ÷ %.2f s extracted; packaged jar %s)"
                        .formatted(
                                medians.get("aotCacheTrainedOffline"),
                                plain,
                                medians.containsKey("packagedJar")
                                        ? "%.2f s".formatted(medians.get("packagedJar"))
                                        : "not measured"),
                medians.get("aotCacheTrainedOffline") / plain,
                "<=",
                0.6);
        if (medians.containsKey("aotCacheTrainedOnline")) {
            report.ratio(
                    "start-up to readiness, AOT cache recorded against the running stack",
                    "cache ÷ plain (%.2f s ÷ %.2f s)".formatted(medians.get("aotCacheTrainedOnline"), plain),
                    medians.get("aotCacheTrainedOnline") / plain,
                    "<=",
                    0.6);
        }
    }

    /**
     * A training run stops once the context has refreshed. "offline" is the Dockerfile's: no
     * database or Vault at image build time, so Flyway is off and nothing connects; "online" runs
     * against this stack, Flyway included.
     */
    private static Path train(Path extracted, String name, List<String> arguments) throws Exception {
        Path cache = DIR.resolve("keyrotator-" + name + ".aot").toAbsolutePath();
        List<String> command = new ArrayList<>(List.of(
                "-XX:AOTCacheOutput=" + cache, "-Dspring.context.exit=onRefresh", "-jar", extracted.toString()));
        command.addAll(arguments);
        try (JvmProcess run = JvmProcess.start(command, DIR.resolve("training-" + name + ".log"))) {
            if (run.awaitExit() != 0 || !Files.exists(cache)) {
                throw new IllegalStateException("AOT training failed: see " + DIR.resolve("training-" + name + ".log"));
            }
        }
        return cache;
    }

    /** The Dockerfile's training arguments: nothing to connect to. */
    private static List<String> offlineTraining() {
        return List.of(
                "--spring.flyway.enabled=false",
                "--spring.datasource.url=jdbc:postgresql://127.0.0.1:1/none",
                "--spring.cloud.vault.uri=http://127.0.0.1:1",
                "--spring.cloud.vault.token=aot-training");
    }

    private double median(List<String> launch) throws Exception {
        List<Double> seconds = new ArrayList<>();
        for (int i = 0; i < sizes.startupRuns(); i++) {
            int port = OpenBaoServer.freePort();
            int management = OpenBaoServer.freePort();
            List<String> arguments = new ArrayList<>(launch);
            arguments.addAll(arguments(port, management));
            seconds.add(timeToReadiness(arguments, management, i));
        }
        seconds.sort(Comparator.naturalOrder());
        return seconds.get(seconds.size() / 2);
    }

    /** One start; tried once more when it died (PostgreSQL is shared and may be restarted by others). */
    private static double timeToReadiness(List<String> arguments, int management, int run) throws Exception {
        URI readiness = URI.create("http://127.0.0.1:" + management + "/actuator/health/readiness");
        for (int attempt = 1; ; attempt++) {
            try (JvmProcess service = JvmProcess.start(arguments, DIR.resolve("start-" + run + ".log"))) {
                return service.secondsUntil(readiness, 200);
            } catch (IllegalStateException e) {
                if (attempt == 2) {
                    throw e;
                }
            }
        }
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
