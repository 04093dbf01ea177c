package io.keyrotator.bench;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The scheduler: a sweep of many keys that fall due at once (registered through the API, then
 * made due in SQL), and the tick with nothing due at two fleet sizes (filler keys inserted in SQL,
 * due in a year), timed by Spring's own {@code tasks.scheduled.execution} timer of the tick.
 */
final class SchedulerScenarios {

    private static final Pattern TICK = Pattern.compile(
            "tasks_scheduled_execution_seconds_(sum|count)\\{code_function=\"tick\",[^}]*outcome=\"SUCCESS\"} (\\S+)");
    private static final Pattern GAUGE_REFRESH =
            Pattern.compile("keyrotator_key_gauges_refresh_seconds_(sum|count)(?:\\{[^}]*})? (\\S+)");

    private final BenchStack stack;
    private final Sizes sizes;
    private final Map<Integer, Double> tickMillis = new LinkedHashMap<>();
    private final Map<Integer, Double> gaugeRefreshMillis = new LinkedHashMap<>();
    private final Map<Integer, Integer> scrapeBytes = new LinkedHashMap<>();

    SchedulerScenarios(BenchStack stack, Sizes sizes) {
        this.stack = stack;
        this.sizes = sizes;
    }

    /** Rotations per second of the sweep, from the first scheduled version's creation to the last's activation. */
    void sweep(Report report, ForcedRotations forced) throws Exception {
        Rest rest = new Rest(stack.http, stack.service.port());
        int perWorker = Math.max(1, sizes.sweepKeys() / Sizes.SCHEDULER_CONCURRENCY);
        int keys = perWorker * Sizes.SCHEDULER_CONCURRENCY;
        int[] next = new int[Sizes.SCHEDULER_CONCURRENCY];
        // overlap PT0S: the first rotation then destroys the old version, the same I/O as a forced rotation
        Load.run(
                        Sizes.SCHEDULER_CONCURRENCY,
                        perWorker,
                        w -> () -> rest.registerKey("sweep-" + w + "-" + next[w]++, "PT0S"))
                .requireNoErrors("registering the sweep's keys");
        update("UPDATE managed_key SET next_rotation_at = now() - interval '1 second' WHERE name LIKE 'sweep-%'");
        long deadline = System.nanoTime() + Duration.ofMinutes(15).toNanos();
        while (scheduled("count(*)") < keys && System.nanoTime() < deadline) {
            Thread.sleep(500);
        }
        double seconds = scheduled("EXTRACT(EPOCH FROM max(v.activated_at) - min(v.created_at))");
        double rate = keys / seconds;
        double forcedRate = forced.keyrotatorAt(Sizes.SCHEDULER_CONCURRENCY).perSecond();
        report.raw(
                "schedulerSweep",
                Map.of(
                        "keys",
                        keys,
                        "seconds",
                        Report.round(seconds),
                        "rotationsPerSecond",
                        Report.round(rate),
                        "forcedRotationsPerSecondAt8",
                        Report.round(forcedRate)));
        report.ratio(
                "scheduler sweep of %,d due keys".formatted(keys),
                "rotations/s ÷ forced rate at concurrency 8 (%.0f ÷ %.0f)".formatted(rate, forcedRate),
                rate / forcedRate,
                ">=",
                0.9);
    }

    /** Grows the fleet to {@code keys} with filler keys due in a year and times idle ticks. */
    void idleTick(int keys) throws Exception {
        update("INSERT INTO managed_key (name, vault_mount, vault_path, vault_field, generator_bytes,"
                + " generator_encoding, generator_prefix, generator_checksum, rotation_period_seconds,"
                + " overlap_seconds, publish_ahead_seconds, state, last_vault_version, next_rotation_at,"
                + " metadata_synced, created_at, updated_at)"
                + " SELECT 'filler-' || g, 'secret', 'fillers/' || g, 'api_key', 32, 'BASE64URL', '', FALSE, 31536000,"
                + " 3600, 0, 'ACTIVE', 1, now() + interval '365 days', TRUE, now(), now()"
                + " FROM generate_series((SELECT count(*) FROM managed_key) + 1, " + keys + ") g");
        update("ANALYZE managed_key");
        String scrapeBefore = stack.service.management("/actuator/prometheus");
        double[] before = sumAndCount(TICK, scrapeBefore);
        double[] refreshBefore = sumAndCount(GAUGE_REFRESH, scrapeBefore);
        Thread.sleep(Duration.ofSeconds(sizes.tickSeconds()));
        String scrapeAfter = stack.service.management("/actuator/prometheus");
        double[] after = sumAndCount(TICK, scrapeAfter);
        double[] refreshAfter = sumAndCount(GAUGE_REFRESH, scrapeAfter);
        double ticks = after[1] - before[1];
        tickMillis.put(keys, ticks == 0 ? Double.NaN : (after[0] - before[0]) * 1000 / ticks);
        double refreshes = refreshAfter[1] - refreshBefore[1];
        gaugeRefreshMillis.put(
                keys, refreshes == 0 ? Double.NaN : (refreshAfter[0] - refreshBefore[0]) * 1000 / refreshes);
        // the size once a refresh has seen the whole fleet
        scrapeBytes.put(keys, scrapeAfter.getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
    }

    void reportTicks(Report report) {
        int small = sizes.tickKeys().get(0);
        int large = sizes.tickKeys().get(1);
        double ratio = tickMillis.get(large) / tickMillis.get(small);
        report.raw(
                "idleTick",
                Map.of(
                        "keys", sizes.tickKeys(),
                        "tickMillis", tickMillis.values(),
                        "gaugeRefreshMillis", gaugeRefreshMillis.values(),
                        "scrapeBytes", scrapeBytes.values()));
        for (int keys : sizes.tickKeys()) {
            report.row(
                    "key gauges, %,d keys (per-key gauges up to 1,000)".formatted(keys),
                    "refresh (its database reads) / scrape size",
                    "%.1f ms / %,d bytes".formatted(gaugeRefreshMillis.get(keys), scrapeBytes.get(keys)),
                    "",
                    null);
        }
        report.ratio(
                "scheduler tick with nothing due, %,d vs %,d keys".formatted(small, large),
                "tick time ratio (%.2f ms ÷ %.2f ms)".formatted(tickMillis.get(large), tickMillis.get(small)),
                ratio,
                "<=",
                1.5);
    }

    /** Sum (seconds) and count of a timer in a scrape. */
    private static double[] sumAndCount(Pattern timer, String scrape) {
        double[] sumAndCount = new double[2];
        Matcher matcher = timer.matcher(scrape);
        while (matcher.find()) {
            sumAndCount[matcher.group(1).equals("sum") ? 0 : 1] = Double.parseDouble(matcher.group(2));
        }
        return sumAndCount;
    }

    private double scheduled(String aggregate) throws SQLException {
        try (Connection connection = stack.connect();
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT " + aggregate + " FROM key_version v JOIN managed_key k"
                        + " ON k.id = v.key_id WHERE k.name LIKE 'sweep-%' AND v.trigger = 'SCHEDULED'"
                        + " AND v.activated_at IS NOT NULL")) {
            rows.next();
            return rows.getDouble(1);
        }
    }

    private void update(String sql) throws SQLException {
        try (Connection connection = stack.connect();
                Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }
}
