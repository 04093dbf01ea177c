package io.keyrotator.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * The packaged jar as the Dockerfile runs it: extracted ({@code java -Djarmode=tools extract}) and
 * started with a JDK AOT cache recorded once per test run. On the two cores a reliability scenario
 * shares with the second lane, a service process then starts in about half the time of {@code
 * java -jar} on the nested jar (13 s against 6 s on a quiet machine), and start-ups were a third of
 * the reliability suite's time. The training run is the Dockerfile's: build the context, stop before
 * anything connects. A process started with other heap or compiler options than {@link #OPTIONS}
 * still starts, on the extracted jar alone (the JVM drops a cache it cannot use).
 */
final class TrainedLayout {

    /** The options the cache is recorded with, and the ones every scenario's service runs with. */
    static final List<String> OPTIONS = List.of("-Xmx512m", "-XX:TieredStopAtLevel=1");

    private static final Path DIRECTORY = Path.of("target", "packaged").toAbsolutePath();
    private static @Nullable TrainedLayout built;

    private final Path jar;
    private final Path cache;

    private TrainedLayout(Path jar, Path cache) {
        this.jar = jar;
        this.cache = cache;
    }

    /** The command line before the application's arguments: JVM, options, cache, jar. */
    List<String> command(String java, List<String> options) {
        List<String> command = new ArrayList<>();
        command.add(java);
        command.addAll(options);
        command.add("-XX:AOTCache=" + cache);
        command.addAll(List.of("-jar", jar.toString()));
        return command;
    }

    /** Extracts and trains on the first call of the run; later calls reuse both. */
    static synchronized TrainedLayout get(String java) {
        if (built == null) {
            built = build(java);
        }
        return built;
    }

    private static TrainedLayout build(String java) {
        Path packaged = ServiceProcess.jar().toAbsolutePath();
        Path jar = DIRECTORY.resolve(packaged.getFileName());
        Path cache = DIRECTORY.resolve("keyrotator.aot");
        Path log = Path.of("target", "processes", "aot-training.log");
        try {
            delete(DIRECTORY);
            Files.createDirectories(log.getParent());
            run(
                    List.of(
                            java,
                            "-Djarmode=tools",
                            "-jar",
                            packaged.toString(),
                            "extract",
                            "--destination",
                            DIRECTORY.toString()),
                    log);
            List<String> training = new ArrayList<>(List.of(java));
            training.addAll(OPTIONS);
            training.addAll(List.of(
                    "-XX:AOTCacheOutput=" + cache,
                    "-Xlog:aot*=error",
                    "-Dspring.context.exit=onRefresh",
                    "-jar",
                    jar.toString(),
                    "--spring.flyway.enabled=false",
                    "--spring.cloud.vault.token=aot-training"));
            run(training, log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (!Files.isRegularFile(cache)) {
            throw new IllegalStateException("no AOT cache recorded at " + cache + ": see " + log);
        }
        return new TrainedLayout(jar, cache);
    }

    private static void run(List<String> command, Path log) throws IOException {
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        try {
            if (!process.waitFor(3, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new IllegalStateException("still running after 3 minutes: " + command + "; see " + log);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        if (process.exitValue() != 0) {
            throw new IllegalStateException("exit " + process.exitValue() + " from " + command + "; see " + log);
        }
    }

    private static void delete(Path directory) throws IOException {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
