package io.keyrotator.reliability;

import io.keyrotator.support.Api;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Brings a running stack to rest before its invariants are checked: no schedule, no work in flight. */
final class Settle {

    private Settle() {}

    /** Pauses every key (overlaps still close), then waits for intents, overlaps and deliveries to finish. */
    static void pauseAndDrain(JdbcClient db, Api api, List<String> keys, Duration atMost) {
        for (String key : keys) {
            Api.Response paused = api.patch("/api/v1/keys/" + key, Map.of("state", "PAUSED"));
            if (paused.status() != 200) {
                throw new IllegalStateException("pausing " + key + ": " + paused);
            }
        }
        drain(db, atMost, true);
    }

    /**
     * Like {@link #pauseAndDrain}, but returns what did not settle instead of throwing, so that the
     * invariants can still be checked and say which key broke.
     */
    static List<String> pauseAndDrainOrReport(JdbcClient db, Api api, List<String> keys, Duration atMost) {
        try {
            pauseAndDrain(db, api, keys, atMost);
            return List.of();
        } catch (AssertionError e) {
            return List.of(String.valueOf(e.getMessage()));
        }
    }

    /** Waits for intents, deliveries and Vault follow-ups to finish; overlaps may stay open. */
    static void drain(JdbcClient db, Duration atMost) {
        drain(db, atMost, false);
    }

    private static void drain(JdbcClient db, Duration atMost, boolean overlapsClosed) {
        try {
            Awaitility.await("intents, overlaps and deliveries finished")
                    .atMost(atMost)
                    .pollInterval(Duration.ofMillis(500))
                    .until(() ->
                            outstanding(db, overlapsClosed).values().stream().allMatch(count -> count == 0));
        } catch (ConditionTimeoutException e) {
            throw new AssertionError(
                    "still outstanding after " + atMost + ": " + outstanding(db, overlapsClosed) + ", locks "
                            + db.sql("SELECT name, lock_until, locked_by FROM shedlock")
                                    .query()
                                    .listOfRows(),
                    e);
        }
    }

    static Map<String, Long> outstanding(JdbcClient db, boolean overlapsClosed) {
        Map<String, Long> counts = new LinkedHashMap<>();
        counts.put("pendingIntents", count(db, "SELECT count(*) FROM vault_write_intent WHERE state = 'PENDING'"));
        counts.put(
                "openVersions",
                count(
                        db,
                        "SELECT count(*) FROM key_version WHERE state IN "
                                + (overlapsClosed ? "('PENDING', 'PREVIOUS', 'NEXT')" : "('PENDING')")));
        counts.put(
                "undelivered",
                count(db, "SELECT count(*) FROM webhook_delivery WHERE status IN ('PENDING', 'FAILED')"));
        counts.put("unfannedEvents", count(db, "SELECT count(*) FROM webhook_event WHERE NOT fanned_out"));
        counts.put(
                "unsyncedKeys",
                count(
                        db,
                        "SELECT count(*) FROM managed_key WHERE NOT metadata_synced OR destroy_below > destroyed_below"));
        return counts;
    }

    private static long count(JdbcClient db, String sql) {
        return db.sql(sql).query(Long.class).single();
    }
}
