package io.keyrotator.bench;

import io.keyrotator.support.ServiceProcess;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A JVM of the benchmark's own making, timed from fork to the first answer at a URL: the start-up
 * variants (an extracted jar, an AOT cache) and the empty web+JPA app. {@code support.ServiceProcess}
 * runs only the packaged jar as it is, so it cannot start these.
 */
final class JvmProcess implements AutoCloseable {

    private final Process process;
    private final long startedNanos = System.nanoTime();

    private JvmProcess(List<String> arguments, Path log) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(java());
        command.addAll(arguments);
        Files.createDirectories(log.toAbsolutePath().getParent());
        process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
    }

    static JvmProcess start(List<String> arguments, Path log) throws IOException {
        return new JvmProcess(arguments, log);
    }

    /** The JDK running the benchmark (the toolchain's), so every variant runs on the same JVM. */
    static String java() {
        return ProcessHandle.current().info().command().orElse("java");
    }

    /** Waits until {@code url} answers with {@code status}; returns the seconds since the fork. */
    double secondsUntil(URI url, int status) throws InterruptedException {
        long deadline = startedNanos + Duration.ofMinutes(3).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("process exited with " + process.exitValue() + " while starting");
            }
            if (ServiceProcess.status(url) == status) {
                return (System.nanoTime() - startedNanos) / 1e9;
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException(url + " did not answer " + status + " within 3 minutes");
    }

    /** Waits for the process to end on its own (a training run); returns its exit code. */
    int awaitExit() throws InterruptedException {
        if (!process.waitFor(5, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new IllegalStateException("process did not exit within 5 minutes");
        }
        return process.exitValue();
    }

    long pid() {
        return process.pid();
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
