package io.keyrotator.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * The packaged service ({@code target/keyrotator-*.jar}, which {@code ./mvnw package} builds before
 * Failsafe runs) as a process of its own, on the JDK running the tests, extracted and with an AOT
 * cache as the image runs it ({@link TrainedLayout}) unless {@link #asPackaged()}, configured with {@code
 * --name=value} arguments. Ports stay the same across restarts, so a replica killed with SIGKILL
 * comes back where its clients expect it. Output goes to {@code target/processes/<name>.log}.
 */
public final class ServiceProcess implements AutoCloseable {

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String name;
    private final Map<String, String> properties = new LinkedHashMap<>();
    private final List<String> jvmOptions = new ArrayList<>();
    private final int port = OpenBaoServer.freePort();
    private final int managementPort = OpenBaoServer.freePort();
    private boolean trained = true;
    private @Nullable Process process;
    private int starts;

    public ServiceProcess(String name, Map<String, String> properties) {
        this.name = name;
        this.properties.putAll(properties);
        this.properties.put("server.port", Integer.toString(port));
        this.properties.put("management.server.port", Integer.toString(managementPort));
        this.jvmOptions.addAll(TrainedLayout.OPTIONS);
    }

    /** The jar {@code ./mvnw package} built; fails with the command to run when it is missing. */
    public static Path jar() {
        try (Stream<Path> files = Files.list(Path.of("target"))) {
            return files.filter(file -> file.getFileName().toString().matches("keyrotator-.*\\.jar"))
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException(
                            "No target/keyrotator-*.jar: run `./mvnw -B package -DskipTests` first"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public ServiceProcess jvmOptions(String... options) {
        jvmOptions.clear();
        jvmOptions.addAll(List.of(options));
        return this;
    }

    /** {@code java -jar} on the packaged jar itself, as a user runs it (the benchmark's service). */
    public ServiceProcess asPackaged() {
        trained = false;
        return this;
    }

    /** Starts the process and returns once readiness answers 200; fails with the log's tail. */
    public synchronized ServiceProcess start() {
        return start(Duration.ofSeconds(90));
    }

    public synchronized ServiceProcess start(Duration timeout) {
        if (isAlive()) {
            return this;
        }
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>();
        if (trained) {
            command.addAll(TrainedLayout.get(java).command(java, jvmOptions));
        } else {
            command.add(java);
            command.addAll(jvmOptions);
            command.addAll(List.of("-jar", jar().toAbsolutePath().toString()));
        }
        properties.forEach((key, value) -> command.add("--" + key + "=" + value));
        try {
            Files.createDirectories(log().getParent());
            Files.writeString(log(), "==== start " + ++starts + "\n", startsAppending());
            process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log().toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        awaitReady(timeout);
        return this;
    }

    /** SIGKILL: no shutdown hook, no graceful shutdown, whatever was in flight is cut off. */
    public synchronized void kill() {
        Process running = process;
        if (running != null) {
            running.destroyForcibly();
            waitFor(running);
        }
        process = null;
    }

    /** SIGTERM: graceful shutdown. */
    public synchronized void stop() {
        Process running = process;
        if (running != null) {
            running.destroy();
            waitFor(running);
        }
        process = null;
    }

    public boolean isAlive() {
        Process running = process;
        return running != null && running.isAlive();
    }

    public boolean isReady() {
        return status(URI.create("http://127.0.0.1:" + managementPort + "/actuator/health/readiness")) == 200;
    }

    public long pid() {
        Process running = process;
        if (running == null) {
            throw new IllegalStateException(name + " is not running");
        }
        return running.pid();
    }

    public String name() {
        return name;
    }

    public int port() {
        return port;
    }

    public int managementPort() {
        return managementPort;
    }

    public Api api(String token) {
        return new Api(port, token);
    }

    public Path log() {
        return Path.of("target", "processes", name + ".log");
    }

    /** The text of {@code /actuator/prometheus} or {@code /actuator/health}, for assertions. */
    public String management(String path) {
        try {
            return HTTP.send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + path))
                                    .timeout(Duration.ofSeconds(10))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        stop();
    }

    private void awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Process running = process;
            if (running == null || !running.isAlive()) {
                throw new IllegalStateException(name + " exited while starting:\n" + tail());
            }
            if (isReady()) {
                return;
            }
            sleep(Duration.ofMillis(100));
        }
        kill();
        throw new IllegalStateException(name + " not ready after " + timeout + ":\n" + tail());
    }

    private String tail() {
        try {
            List<String> lines = Files.readAllLines(log());
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private java.nio.file.OpenOption[] startsAppending() {
        return new java.nio.file.OpenOption[] {
            java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND
        };
    }

    /** The status a GET of {@code uri} answers within 2 s, -1 when nothing answers. */
    public static int status(URI uri) {
        try {
            return HTTP.send(
                            HttpRequest.newBuilder(uri)
                                    .timeout(Duration.ofSeconds(2))
                                    .build(),
                            HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static void waitFor(Process running) {
        try {
            if (!running.waitFor(60, TimeUnit.SECONDS)) {
                running.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
