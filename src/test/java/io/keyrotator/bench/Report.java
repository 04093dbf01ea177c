package io.keyrotator.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The benchmark's result: one row per line of the table (the figure, the target, whether it
 * was met) plus the raw measurements of every scenario, printed as a table and written as JSON.
 */
final class Report {

    private static final JsonMapper JSON =
            JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    /** A line of the table; {@code met} is null when the run was too small to judge. */
    record Row(
            String scenario,
            String figure,
            String value,
            String target,
            @Nullable Boolean met) {}

    private final List<Row> rows = new ArrayList<>();
    private final Map<String, Object> raw = new LinkedHashMap<>();

    void row(String scenario, String figure, String value, String target, @Nullable Boolean met) {
        rows.add(new Row(scenario, figure, value, target, met));
    }

    /** A ratio against a lower bound (at least) or an upper bound (at most). */
    void ratio(String scenario, String figure, double ratio, String comparison, double bound) {
        boolean atLeast = comparison.equals(">=");
        row(
                scenario,
                figure,
                "%.2f".formatted(ratio),
                (atLeast ? "≥ " : "≤ ") + bound,
                atLeast ? ratio >= bound : ratio <= bound);
    }

    void raw(String section, Object figures) {
        raw.put(section, figures);
    }

    List<Row> rows() {
        return List.copyOf(rows);
    }

    Path write(Path file) {
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("table", rows);
        document.putAll(raw);
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, JSON.writeValueAsString(document));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    String table() {
        StringBuilder out =
                new StringBuilder("| scenario | figure | measured | target | met |\n|---|---|---|---|---|\n");
        for (Row row : rows) {
            String met = row.met() == null ? "n/a" : row.met() ? "yes" : "**no**";
            out.append("| %s | %s | %s | %s | %s |%n"
                    .formatted(row.scenario(), row.figure(), row.value(), row.target(), met));
        }
        return out.toString();
    }

    static double round(double value) {
        return Math.round(value * 100) / 100.0;
    }

    static Map<String, Object> figures(Load.Figures figures) {
        return Map.of(
                "concurrency", figures.concurrency(),
                "operations", figures.operations(),
                "errors", figures.errors(),
                "seconds", round(figures.seconds()),
                "perSecond", round(figures.perSecond()),
                "p50Millis", round(figures.p50()),
                "p99Millis", round(figures.p99()));
    }
}
