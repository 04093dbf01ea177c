package io.keyrotator.bench;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import tools.jackson.databind.json.JsonMapper;

/**
 * Time to invalid (issue 22): a leaked current key reported over the API, one report at a time, each
 * of another key. Two figures per report: the answer (the emergency rotation has confirmed in Vault
 * when it comes, so the leaked value is invalid by then), and the server's {@code destroyedAt -
 * reportedAt} (the KV versions that held it destroyed). The floor is the bare client's rotation at
 * concurrency 1: a leak needs at least that rotation, and the destroy call after it.
 */
final class LeakScenario {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final BenchStack stack;
    private final int reports;

    LeakScenario(BenchStack stack, Sizes sizes) {
        this.stack = stack;
        // the smoke run only proves the scenario works
        this.reports = sizes.equals(Sizes.smoke()) ? 5 : 200;
    }

    void run(Report report, ForcedRotations forced) throws Exception {
        Rest rest = new Rest(stack.http, stack.service.port());
        List<String> names = new ArrayList<>();
        for (int i = 0; i < reports + 10; i++) {
            names.add("leak-" + i);
            rest.registerKey("leak-" + i, "PT1H");
        }
        Histogram answered = new Histogram(60_000_000_000L, 3);
        Histogram destroyed = new Histogram(60_000_000_000L, 3);
        List<String> ids = new ArrayList<>();
        List<String> leakedValues = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            String value = current(names.get(i));
            leakedValues.add(value);
            long began = System.nanoTime();
            Map<?, ?> leak = JSON.readValue(
                    rest.post("/api/v1/leaks", JSON.writeValueAsString(Map.of("value", value)), 201), Map.class);
            long took = System.nanoTime() - began;
            if (!"ROTATED".equals(leak.get("outcome"))) {
                throw new IllegalStateException("a leaked current key was not rotated: " + leak.get("outcome"));
            }
            if (i >= 10) {
                // the first ten warm the path up
                answered.recordValue(took);
                ids.add((String) leak.get("id"));
            }
        }
        for (String id : ids) {
            destroyed.recordValue(destroyedAfter(rest, id).toNanos());
        }
        for (int i = 0; i < names.size(); i++) {
            if (current(names.get(i)).equals(leakedValues.get(i))) {
                throw new IllegalStateException(names.get(i) + " still has its leaked key as current");
            }
        }
        Load.Figures floor = forced.floorAt(1);
        Map<String, Object> raw = new LinkedHashMap<>();
        raw.put("reports", ids.size());
        raw.put("answerP50Millis", millis(answered, 50));
        raw.put("answerP99Millis", millis(answered, 99));
        raw.put("destroyedP50Millis", millis(destroyed, 50));
        raw.put("destroyedP99Millis", millis(destroyed, 99));
        raw.put("floorRotationP50Millis", floor.p50());
        report.raw("leaks", raw);
        String scenario = "leak report to invalid, " + ids.size() + " reports";
        report.row(
                scenario,
                "invalid (answer) p50 / p99",
                "%.1f / %.1f ms".formatted(millis(answered, 50), millis(answered, 99)),
                "seconds",
                millis(answered, 99) < 1000);
        report.row(
                scenario,
                "destroyed p50 / p99",
                "%.1f / %.1f ms".formatted(millis(destroyed, 50), millis(destroyed, 99)),
                "seconds",
                millis(destroyed, 99) < 5000);
        report.ratio(
                scenario,
                "invalid p50 ÷ floor's rotation p50 (%.1f ÷ %.1f ms)".formatted(millis(answered, 50), floor.p50()),
                millis(answered, 50) / floor.p50(),
                "<=",
                3.0);
    }

    /** The server's reportedAt to destroyedAt, waiting for the destruction to be recorded. */
    private static Duration destroyedAfter(Rest rest, String id) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            Map<?, ?> leak = JSON.readValue(rest.get("/api/v1/leaks/" + id), Map.class);
            if (leak.get("destroyedAt") != null) {
                return Duration.between(Instant.parse((String) leak.get("reportedAt")), Instant.parse((String)
                        leak.get("destroyedAt")));
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException("leak " + id + " not destroyed within 60 s");
    }

    @SuppressWarnings("unchecked")
    private String current(String name) {
        Map<String, Object> read = stack.vault.admin().call("GET", "secret/data/api-keys/" + name, null);
        Map<String, Object> data = (Map<String, Object>) ((Map<String, Object>) read.get("data")).get("data");
        return (String) data.get("api_key");
    }

    private static double millis(Histogram histogram, double percentile) {
        return Report.round(histogram.getValueAtPercentile(percentile) / 1e6);
    }
}
