package io.keyrotator.rotation.protocol;

import static io.keyrotator.rotation.store.KeyRecords.instant;

import io.keyrotator.rotation.ManagedKey;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
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

    /** One row per key for the metrics and health: a single query, whatever the number of keys. */
    public List<KeyStatus> all() {
        return jdbc.sql("""
                        SELECT k.name, k.state, k.last_rotated_at, k.next_rotation_at, k.rotation_period_seconds,
                            k.last_failure_at IS NOT NULL AS failing,
                            EXISTS (SELECT 1 FROM key_version v WHERE v.key_id = k.id AND v.state = 'PREVIOUS')
                                AS overlap_open
                        FROM managed_key k""")
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
