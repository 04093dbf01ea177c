package io.keyrotator.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a JVM's resident memory goes, from {@code jcmd}: committed heap and metaspace, code cache
 * used, and the threads. Explains an RSS figure; the rest of RSS is the JVM's and libc's native
 * memory (GC structures, thread stacks, malloc arenas, mapped archives).
 */
final class JvmMemory {

    private static final Pattern HEAP = Pattern.compile("committed (\\d+)K, used (\\d+)K");
    private static final Pattern METASPACE = Pattern.compile("Both:\\s+[\\d.]+ \\w+ reserved,\\s+([\\d.]+) MB");
    private static final Pattern CODE = Pattern.compile("CodeHeap '[^']+': size=\\d+Kb used=(\\d+)Kb");

    private JvmMemory() {}

    static Map<String, Object> of(long pid) {
        Map<String, Object> memory = new LinkedHashMap<>();
        memory.put("rssMib", Report.round(ProcessStats.rssMib(pid)));
        Matcher heap = HEAP.matcher(jcmd(pid, "GC.heap_info"));
        if (heap.find()) {
            memory.put("heapCommittedMib", Long.parseLong(heap.group(1)) / 1024);
            memory.put("heapUsedMib", Long.parseLong(heap.group(2)) / 1024);
        }
        Matcher metaspace = METASPACE.matcher(jcmd(pid, "VM.metaspace"));
        if (metaspace.find()) {
            memory.put("metaspaceCommittedMib", Double.parseDouble(metaspace.group(1)));
        }
        Matcher code = CODE.matcher(jcmd(pid, "Compiler.codecache"));
        long codeKb = 0;
        while (code.find()) {
            codeKb += Long.parseLong(code.group(1));
        }
        memory.put("codeCacheUsedMib", codeKb / 1024);
        memory.put("threads", ProcessHandle.of(pid).isPresent() ? threads(pid) : 0);
        return memory;
    }

    private static long threads(long pid) {
        try (var tasks = java.nio.file.Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            return tasks.count();
        } catch (IOException e) {
            return 0;
        }
    }

    private static String jcmd(long pid, String command) {
        Path jcmd = Path.of(JvmProcess.java()).resolveSibling("jcmd");
        try {
            Process process = new ProcessBuilder(jcmd.toString(), Long.toString(pid), command)
                    .redirectErrorStream(true)
                    .start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            process.waitFor();
            return output;
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }
}
