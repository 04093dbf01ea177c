package io.keyrotator.reliability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** Prints what a scenario did and measured, and appends it to {@code target/reliability/report.txt}. */
final class Report {

    private Report() {}

    static void print(String scenario, Map<String, ?> figures) {
        String line = "== reliability " + scenario + " [" + Scale.current().name() + "]: "
                + new TreeMap<>(figures)
                        .entrySet().stream()
                                .map(e -> e.getKey() + "=" + e.getValue())
                                .collect(Collectors.joining(" "));
        System.out.println(line);
        try {
            Path report = Path.of("target", "reliability", "report.txt");
            Files.createDirectories(report.getParent());
            Files.writeString(report, line + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
