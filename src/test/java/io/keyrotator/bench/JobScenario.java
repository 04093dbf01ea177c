package io.keyrotator.bench;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import tools.jackson.databind.json.JsonMapper;

/**
 * A bulk rotation job (issue 22): every key below one Vault path rotated by one job, while an
 * operator forces rotations of other keys over REST, one at a time. Two figures: the job's keys per
 * second ({@code finishedAt - createdAt}), and the forced rotations' p99 during the job against
 * their p99 on a quiet service. The floor is the bare client's rotation at concurrency 1 scaled by
 * the job's concurrency (4): each key needs that rotation, and nothing less.
 */
final class JobScenario {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int JOB_CONCURRENCY = 4;

    private final BenchStack stack;
    private final int keys;

    JobScenario(BenchStack stack, Sizes sizes) {
        this.stack = stack;
        // the 2,000 at every size but the smoke run's: the job itself takes about a minute
        this.keys = sizes.equals(Sizes.smoke()) ? 20 : 2_000;
    }

    void run(Report report, ForcedRotations forced) throws Exception {
        Rest rest = new Rest(stack.http, stack.service.port());
        int perWorker = Math.max(1, keys / 4);
        int[] next = new int[4];
        Load.run(4, perWorker, w -> () -> rest.registerKey("bulk-" + w + "-" + next[w]++, "PT1H"))
                .requireNoErrors("registering the job's keys");
        List<String> solo = ForcedRotations.register(rest, "solo", 10);

        Map<?, ?> job = JSON.readValue(
                rest.post(
                        "/api/v1/rotation-jobs",
                        JSON.writeValueAsString(Map.of("selector", Map.of("vaultPathPrefix", "api-keys/bulk-"))),
                        202),
                Map.class);
        String id = (String) job.get("id");
        Histogram during = new Histogram(60_000_000_000L, 3);
        int i = 0;
        while (true) {
            long began = System.nanoTime();
            rest.rotate(solo.get(i++ % solo.size()));
            during.recordValue(System.nanoTime() - began);
            if (i % 5 == 0) {
                job = JSON.readValue(rest.get("/api/v1/rotation-jobs/" + id), Map.class);
                if (!"RUNNING".equals(job.get("state"))) {
                    break;
                }
            }
        }
        if (!job.get("done").equals(job.get("total")) || ((Number) job.get("total")).intValue() != 4 * perWorker) {
            throw new IllegalStateException("the job did not rotate every key: " + job);
        }
        double seconds = Duration.between(Instant.parse((String) job.get("createdAt")), Instant.parse((String)
                                job.get("finishedAt")))
                        .toNanos()
                / 1e9;
        double perSecond = Report.round(((Number) job.get("total")).intValue() / seconds);
        Load.Figures quiet = forced.keyrotatorAt(1);
        Load.Figures floor = forced.floorAt(1);
        double p99 = Report.round(during.getValueAtPercentile(99) / 1e6);
        Map<String, Object> raw = new LinkedHashMap<>();
        raw.put("keys", job.get("total"));
        raw.put("seconds", Report.round(seconds));
        raw.put("keysPerSecond", perSecond);
        raw.put("forcedDuring", during.getTotalCount());
        raw.put("forcedP50MillisDuring", Report.round(during.getValueAtPercentile(50) / 1e6));
        raw.put("forcedP99MillisDuring", p99);
        raw.put("forcedP99MillisQuiet", quiet.p99());
        raw.put("floorRotationsPerSecond", Report.round(floor.perSecond()));
        report.raw("jobs", raw);
        String scenario = "rotation job, " + job.get("total") + " keys, concurrency " + JOB_CONCURRENCY;
        report.ratio(
                scenario,
                "keys/s ÷ (floor's rotations/s at concurrency 1 × %d) (%.1f ÷ %.1f)"
                        .formatted(JOB_CONCURRENCY, perSecond, floor.perSecond() * JOB_CONCURRENCY),
                perSecond / (floor.perSecond() * JOB_CONCURRENCY),
                ">=",
                0.25);
        report.ratio(
                scenario,
                "forced p99 during the job ÷ quiet (%.1f ÷ %.1f ms, %d forced)"
                        .formatted(p99, quiet.p99(), during.getTotalCount()),
                p99 / quiet.p99(),
                "<=",
                3.0);
    }
}
