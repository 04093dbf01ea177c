package io.keyrotator.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The kernel's accounting of a process, from {@code /proc}: resident memory and CPU time. */
final class ProcessStats {

    /** USER_HZ: the unit of utime and stime in /proc/<pid>/stat on Linux. */
    private static final double TICKS_PER_SECOND = 100.0;

    private ProcessStats() {}

    /** VmRSS in MiB. */
    static double rssMib(long pid) {
        for (String line : lines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) / 1024.0;
            }
        }
        return 0;
    }

    /** User plus system CPU seconds the process has used so far. */
    static double cpuSeconds(long pid) {
        List<String> stat = lines(Path.of("/proc", Long.toString(pid), "stat"));
        if (stat.isEmpty()) {
            return 0;
        }
        // the command name (field 2) may hold spaces: count fields after its closing parenthesis
        return ticks(stat.get(0));
    }

    /**
     * CPU seconds the JIT compiler threads of a JVM (HotSpot's {@code C1 CompilerThre...} and {@code
     * C2 CompilerThre...}) have used so far: how much the process is still compiling.
     */
    static double compilerCpuSeconds(long pid) {
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            return tasks.map(task -> lines(task.resolve("stat")))
                    .filter(stat -> !stat.isEmpty() && stat.get(0).contains(" CompilerThre"))
                    .mapToDouble(stat -> ticks(stat.get(0)))
                    .sum();
        } catch (IOException e) {
            return 0;
        }
    }

    private static double ticks(String statLine) {
        String[] fields = statLine.substring(statLine.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / TICKS_PER_SECOND;
    }

    /** Every process whose command name is {@code name} (PostgreSQL runs one per connection). */
    static List<Long> named(String name) {
        try (Stream<Path> all = Files.list(Path.of("/proc"))) {
            return all.filter(p -> p.getFileName().toString().matches("\\d+"))
                    .filter(p -> lines(p.resolve("comm")).stream().anyMatch(name::equals))
                    .map(p -> Long.parseLong(p.getFileName().toString()))
                    .toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /**
     * PostgreSQL's processes that work for {@code database}: its backends (command line {@code
     * postgres: user database address state}) and the server's own (checkpointer, WAL writer, ...),
     * but not the backends of other databases on the shared server.
     */
    static List<Long> postgresFor(String database) {
        return named("postgres").stream()
                .filter(pid -> {
                    String cmdline = String.join(" ", lines(Path.of("/proc", Long.toString(pid), "cmdline")))
                            .replace('\0', ' ');
                    boolean backend = cmdline.contains("127.0.0.1(") || cmdline.contains("[local]");
                    return !backend || cmdline.contains(" " + database + " ");
                })
                .toList();
    }

    /** Processes called {@code name} whose command line contains {@code fragment}. */
    static List<Long> withArgument(String name, String fragment) {
        return named(name).stream()
                .filter(pid -> String.join(" ", lines(Path.of("/proc", Long.toString(pid), "cmdline")))
                        .contains(fragment))
                .toList();
    }

    static double rssMib(List<Long> pids) {
        return pids.stream().mapToDouble(ProcessStats::rssMib).sum();
    }

    static String loadAverage() {
        return String.join(" ", lines(Path.of("/proc/loadavg")));
    }

    private static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException e) {
            // the process ended between listing and reading
            return List.of();
        }
    }
}
