package io.keyrotator.rotation.protocol;

import static io.keyrotator.rotation.store.KeyRecords.instant;
import static io.keyrotator.rotation.store.KeyRecords.timestamp;

import io.keyrotator.rotation.ManagedKey;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** What the metrics and the health report read of every key. */
@Repository
public class KeyStatuses {

    private final JdbcClient jdbc;

    KeyStatuses(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * The fleet in one aggregate row, whatever its size: counts by state, the keys due before
     * {@code lateBefore} (overdue), failing ones, and those whose key is older than its period plus
     * 10 % plus an hour at {@code now} (too old), and those whose gated promotion is held past its
     * timeout, with the first {@code listed} names of each.
     */
    public Summary summary(Instant now, Instant lateBefore, int listed) {
        return jdbc.sql("""
                        SELECT count(*) FILTER (WHERE state = 'ACTIVE') AS active,
                            count(*) FILTER (WHERE state = 'PAUSED') AS paused,
                            count(*) FILTER (WHERE state = 'CONFLICT') AS conflict,
                            count(*) FILTER (WHERE state = 'ACTIVE' AND next_rotation_at < ?) AS overdue,
                            count(*) FILTER (WHERE last_failure_at IS NOT NULL) AS failing,
                            count(*) FILTER (WHERE last_rotated_at
                                + make_interval(secs => rotation_period_seconds * 1.1 + 3600) < ?) AS too_old,
                            ARRAY(SELECT name FROM managed_key WHERE last_rotated_at
                                + make_interval(secs => rotation_period_seconds * 1.1 + 3600) < ?
                                ORDER BY name LIMIT ?) AS too_old_names,
                            ARRAY(SELECT name FROM managed_key WHERE state = 'ACTIVE' AND next_rotation_at < ?
                                ORDER BY name LIMIT ?) AS overdue_names,
                            ARRAY(SELECT name FROM managed_key WHERE last_failure_at IS NOT NULL
                                ORDER BY name LIMIT ?) AS failing_names,
                            (SELECT count(*) FROM key_version v JOIN managed_key k ON k.id = v.key_id
                                WHERE v.state = 'NEXT' AND v.delay_reported_at IS NOT NULL
                                    AND k.promotion ->> 'onTimeout' = 'HOLD') AS held,
                            ARRAY(SELECT k.name FROM managed_key k JOIN key_version v ON v.key_id = k.id
                                WHERE v.state = 'NEXT' AND v.delay_reported_at IS NOT NULL
                                    AND k.promotion ->> 'onTimeout' = 'HOLD'
                                ORDER BY k.name LIMIT ?) AS held_names
                        FROM managed_key""")
                .params(
                        timestamp(lateBefore),
                        timestamp(now),
                        timestamp(now),
                        listed,
                        timestamp(lateBefore),
                        listed,
                        listed,
                        listed)
                .query((rs, row) -> new Summary(
                        Map.of(
                                ManagedKey.KeyState.ACTIVE, rs.getLong("active"),
                                ManagedKey.KeyState.PAUSED, rs.getLong("paused"),
                                ManagedKey.KeyState.CONFLICT, rs.getLong("conflict")),
                        rs.getLong("overdue"),
                        rs.getLong("failing"),
                        rs.getLong("too_old"),
                        List.of((String[]) rs.getArray("overdue_names").getArray()),
                        List.of((String[]) rs.getArray("failing_names").getArray()),
                        List.of((String[]) rs.getArray("too_old_names").getArray()),
                        rs.getLong("held"),
                        List.of((String[]) rs.getArray("held_names").getArray())))
                .single();
    }

    /** The fleet's size and state, for the gauges and the health report. */
    public record Summary(
            Map<ManagedKey.KeyState, Long> byState,
            long overdue,
            long failing,
            long tooOld,
            List<String> overdueNames,
            List<String> failingNames,
            List<String> tooOldNames,
            long held,
            List<String> heldNames) {

        public long keys() {
            return byState.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    /** One row per key, at most {@code limit}, for the per-key gauges. */
    public List<KeyStatus> perKey(int limit) {
        return jdbc.sql("""
                        SELECT k.name, k.state, k.last_rotated_at, k.next_rotation_at, k.rotation_period_seconds,
                            k.last_failure_at IS NOT NULL AS failing,
                            EXISTS (SELECT 1 FROM key_version v WHERE v.key_id = k.id AND v.state = 'PREVIOUS')
                                AS overlap_open
                        FROM managed_key k ORDER BY k.name LIMIT ?""")
                .param(limit)
                .query((rs, row) -> new KeyStatus(
                        rs.getString("name"),
                        ManagedKey.KeyState.valueOf(rs.getString("state")),
                        instant(rs, "last_rotated_at"),
                        instant(rs, "next_rotation_at"),
                        Duration.ofSeconds(rs.getLong("rotation_period_seconds")),
                        rs.getBoolean("failing"),
                        rs.getBoolean("overlap_open")))
                .list();
    }

    /** What operators see of a key on dashboards. */
    public record KeyStatus(
            String name,
            ManagedKey.KeyState state,
            @Nullable Instant lastRotatedAt,
            @Nullable Instant nextRotationAt,
            Duration rotationPeriod,
            boolean failing,
            boolean overlapOpen) {}
}
