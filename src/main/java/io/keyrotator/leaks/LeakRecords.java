package io.keyrotator.leaks;

import io.keyrotator.leaks.LeakReport.Outcome;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The {@code leak_report} table: fingerprints, keys and moments, never a reported value. */
@Repository
class LeakRecords {

    private static final String COLUMNS =
            "id, outcome, key_name, version, source, reason, reporter, reported_at," + " invalidated_at, destroyed_at";

    private final JdbcClient jdbc;

    LeakRecords(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** A new record as {@code report} says; for a key's version that already has one, nothing: empty. */
    Optional<UUID> insert(New report) {
        return jdbc.sql("""
                        INSERT INTO leak_report (id, fingerprint, key_id, version_id, key_name, version, outcome, channel,
                            reporter, source, reason, reported_at, invalidated_at, destroy_below, destroyed_at,
                            attempt_after)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        ON CONFLICT (version_id) WHERE version_id IS NOT NULL DO NOTHING
                        RETURNING id""")
                .params(
                        report.id(),
                        report.fingerprint(),
                        report.keyId(),
                        report.versionId(),
                        report.keyName(),
                        report.version(),
                        report.outcome().name(),
                        report.channel(),
                        report.reporter(),
                        report.source(),
                        report.reason(),
                        timestamp(report.reportedAt()),
                        timestamp(report.invalidatedAt()),
                        report.destroyBelow(),
                        timestamp(report.destroyedAt()),
                        timestamp(report.attemptAfter()))
                .query(UUID.class)
                .optional();
    }

    record New(
            UUID id,
            String fingerprint,
            @Nullable Long keyId,
            @Nullable Long versionId,
            @Nullable String keyName,
            @Nullable Integer version,
            Outcome outcome,
            String channel,
            String reporter,
            @Nullable String source,
            @Nullable String reason,
            Instant reportedAt,
            @Nullable Instant invalidatedAt,
            @Nullable Long destroyBelow,
            @Nullable Instant destroyedAt,
            @Nullable Instant attemptAfter) {}

    Optional<LeakReport> find(UUID id) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM leak_report WHERE id = ?")
                .param(id)
                .query(LeakRecords::map)
                .optional();
    }

    Optional<LeakReport> ofVersion(long versionId) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM leak_report WHERE version_id = ?")
                .param(versionId)
                .query(LeakRecords::map)
                .optional();
    }

    /** Newest first; {@code keyName} null for every key's. */
    List<LeakReport> page(@Nullable String keyName, int offset, int limit) {
        String where = keyName == null ? "" : " WHERE key_name = :name";
        var statement = jdbc.sql("SELECT " + COLUMNS + " FROM leak_report" + where
                        + " ORDER BY reported_at DESC, id LIMIT :limit OFFSET :offset")
                .param("limit", limit)
                .param("offset", offset);
        if (keyName != null) {
            statement = statement.param("name", keyName);
        }
        return statement.query(LeakRecords::map).list();
    }

    /** PENDING records a worker may take now, leased to it for {@code lease}. */
    List<Pending> claim(int limit, Duration lease, Instant now) {
        return jdbc.sql("""
                        UPDATE leak_report SET attempt_after = ?
                        WHERE id IN (SELECT id FROM leak_report WHERE outcome = 'PENDING' AND attempt_after <= ?
                                     ORDER BY attempt_after LIMIT ? FOR UPDATE SKIP LOCKED)
                        RETURNING id, key_name, version_id, reporter, reason, reported_at, attempts, channel""")
                .params(timestamp(now.plus(lease)), timestamp(now), limit)
                .query((rs, row) -> new Pending(
                        rs.getObject(1, UUID.class),
                        rs.getString(2),
                        rs.getLong(3),
                        rs.getString(4),
                        rs.getString(5),
                        rs.getTimestamp(6).toInstant(),
                        rs.getInt(7),
                        rs.getString(8)))
                .list();
    }

    record Pending(
            UUID id,
            String keyName,
            long versionId,
            String reporter,
            @Nullable String reason,
            Instant reportedAt,
            int attempts,
            String channel) {}

    /**
     * The emergency rotation confirmed: invalid now, destroyed once the KV versions below {@code
     * destroyBelow} are, which the Vault sync may have done already. The key's row is locked
     * first, as the sync's settling transaction does before it answers the reports ({@link
     * #destroyed}): one of the two transactions waits for the other and sees its write, so a
     * destruction is never missed between them.
     */
    boolean rotated(UUID id, Instant invalidatedAt, long destroyBelow, Instant now) {
        return jdbc.sql("""
                        UPDATE leak_report r SET outcome = 'ROTATED', invalidated_at = ?, destroy_below = ?,
                            attempt_after = NULL, last_failure = NULL,
                            destroyed_at = CASE WHEN k.destroyed_below >= ? THEN ?::timestamptz END
                        FROM (SELECT id, destroyed_below FROM managed_key
                              WHERE id = (SELECT key_id FROM leak_report WHERE id = ?) FOR SHARE) k
                        WHERE r.id = ? AND r.outcome = 'PENDING' AND k.id = r.key_id""")
                        .params(timestamp(invalidatedAt), destroyBelow, destroyBelow, timestamp(now), id, id)
                        .update()
                == 1;
    }

    void failed(UUID id, String reason, Instant attemptAfter) {
        jdbc.sql("UPDATE leak_report SET attempts = attempts + 1, last_failure = ?, attempt_after = ?"
                        + " WHERE id = ? AND outcome = 'PENDING'")
                .params(reason, timestamp(attemptAfter), id)
                .update();
    }

    /** The key's KV versions below {@code destroyedBelow} are destroyed: so are the leaks they held. */
    int destroyed(long keyId, long destroyedBelow, Instant at) {
        return jdbc.sql("UPDATE leak_report SET destroyed_at = ? WHERE key_id = ? AND destroyed_at IS NULL"
                        + " AND destroy_below IS NOT NULL AND destroy_below <= ?")
                .params(timestamp(at), keyId, destroyedBelow)
                .update();
    }

    long pending() {
        return jdbc.sql("SELECT count(*) FROM leak_report WHERE outcome = 'PENDING'")
                .query(Long.class)
                .single();
    }

    private static LeakReport map(ResultSet rs, int row) throws SQLException {
        return new LeakReport(
                rs.getObject("id", UUID.class),
                Outcome.valueOf(rs.getString("outcome")),
                rs.getString("key_name"),
                (Integer) rs.getObject("version"),
                rs.getString("source"),
                rs.getString("reason"),
                rs.getString("reporter"),
                rs.getTimestamp("reported_at").toInstant(),
                instant(rs.getTimestamp("invalidated_at")),
                instant(rs.getTimestamp("destroyed_at")));
    }

    private static @Nullable Instant instant(@Nullable Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }

    private static @Nullable OffsetDateTime timestamp(@Nullable Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }
}
