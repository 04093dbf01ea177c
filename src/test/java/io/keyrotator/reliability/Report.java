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

    /** Figures from name, value pairs, in any number (Map.of stops at ten). */
    static Map<String, Object> figures(Object... namesAndValues) {
        Map<String, Object> figures = new java.util.LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            figures.put((String) namesAndValues[i], namesAndValues[i + 1]);
        }
        return figures;
    }

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
