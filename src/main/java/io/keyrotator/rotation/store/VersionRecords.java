package io.keyrotator.rotation.store;

import static io.keyrotator.rotation.store.KeyRecords.instant;
import static io.keyrotator.rotation.store.KeyRecords.timestamp;

import io.keyrotator.rotation.KeyVersion;
import io.keyrotator.rotation.KeyVersion.State;
import io.keyrotator.rotation.KeyVersion.Trigger;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The {@code key_version} table: every version of every key, fingerprints only. */
@Repository
public class VersionRecords {

    private static final String COLUMNS = "id, key_id, version, state, vault_version, fingerprint, trigger, actor,"
            + " reason, failure, created_at, activate_at, activated_at, valid_until, retired_at";

    /** Keys with a write in flight are skipped, so they cannot hold up the ones behind them. */
    private static final String NO_WRITE_IN_FLIGHT =
            " AND NOT EXISTS (SELECT 1 FROM vault_write_intent i WHERE i.key_id = k.id AND i.state = 'PENDING')";

    private final JdbcClient jdbc;

    VersionRecords(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Newest first. */
    public List<KeyVersion> ofKey(long keyId) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM key_version WHERE key_id = ? ORDER BY version DESC")
                .param(keyId)
                .query(VersionRecords::map)
                .list();
    }

    /**
     * The CURRENT, PREVIOUS and NEXT versions of many keys in one query, newest first per key: what
     * a page of key views shows, without a query per key.
     */
    public java.util.Map<Long, List<KeyVersion>> liveOf(List<Long> keyIds) {
        if (keyIds.isEmpty()) {
            return java.util.Map.of();
        }
        String ids = keyIds.stream().map(String::valueOf).collect(java.util.stream.Collectors.joining(",", "{", "}"));
        return jdbc
                .sql("SELECT " + COLUMNS + " FROM key_version WHERE key_id = ANY (?::bigint[])"
                        + " AND state IN ('CURRENT', 'PREVIOUS', 'NEXT') ORDER BY key_id, version DESC")
                .param(ids)
                .query(VersionRecords::map)
                .list()
                .stream()
                .collect(java.util.stream.Collectors.groupingBy(
                        KeyVersion::keyId, java.util.LinkedHashMap::new, java.util.stream.Collectors.toList()));
    }

    public Optional<KeyVersion> find(long keyId, int version) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM key_version WHERE key_id = ? AND version = ?")
                .params(keyId, version)
                .query(VersionRecords::map)
                .optional();
    }

    /** Versions with this fingerprint (key_version_fingerprint: one index lookup). */
    public List<KeyVersion> withFingerprint(String fingerprint) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM key_version WHERE fingerprint = ?")
                .param(fingerprint)
                .query(VersionRecords::map)
                .list();
    }

    public Optional<KeyVersion> findById(long id) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM key_version WHERE id = ?")
                .param(id)
                .query(VersionRecords::map)
                .optional();
    }

    public Optional<KeyVersion> inState(long keyId, State state) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM key_version WHERE key_id = ? AND state = ?"
                        + " ORDER BY version DESC LIMIT 1")
                .params(keyId, state.name())
                .query(VersionRecords::map)
                .optional();
    }

    /** Inserts the key's next version number; the caller holds the key's row lock. */
    public KeyVersion insert(
            long keyId,
            State state,
            String fingerprint,
            Trigger trigger,
            @Nullable String actor,
            @Nullable String reason,
            Instant now) {
        // one round trip: the number, the row and what it holds
        return jdbc.sql("""
                        INSERT INTO key_version (key_id, version, state, fingerprint, trigger, actor, reason, created_at)
                        SELECT ?, COALESCE(MAX(version), 0) + 1, ?, ?, ?, ?, ?, ? FROM key_version WHERE key_id = ?
                        RETURNING\s""" + COLUMNS)
                .params(keyId, state.name(), fingerprint, trigger.name(), actor, reason, timestamp(now), keyId)
                .query(VersionRecords::map)
                .single();
    }

    /** Returns the version as it now is, from {@code RETURNING}. */
    public KeyVersion becomeCurrent(long id, long vaultVersion, Instant now) {
        return jdbc.sql("UPDATE key_version SET state = 'CURRENT', vault_version = COALESCE(vault_version, ?),"
                        // a delay reported for its promotion is done with: its overlap close reports its own
                        + " activated_at = ?, activate_at = NULL, delay_reported_at = NULL WHERE id = ? RETURNING "
                        + COLUMNS)
                .params(vaultVersion, timestamp(now), id)
                .query(VersionRecords::map)
                .single();
    }

    public KeyVersion becomeNext(long id, long vaultVersion, Instant activateAt) {
        return jdbc.sql("UPDATE key_version SET state = 'NEXT', vault_version = ?, activate_at = ? WHERE id = ?"
                        + " RETURNING " + COLUMNS)
                .params(vaultVersion, timestamp(activateAt), id)
                .query(VersionRecords::map)
                .single();
    }

    /** The current version steps down: into the overlap window, or retired at once. */
    /** Returns the version that stepped down, if there was one. */
    public Optional<KeyVersion> retireCurrent(long keyId, @Nullable Instant validUntil, Instant now) {
        return jdbc.sql("""
                        UPDATE key_version SET
                            state = CASE WHEN CAST(:until AS timestamptz) IS NULL THEN 'RETIRED' ELSE 'PREVIOUS' END,
                            valid_until = CAST(:until AS timestamptz),
                            retired_at = CASE WHEN CAST(:until AS timestamptz) IS NULL THEN CAST(:now AS timestamptz) END
                        WHERE key_id = :key AND state = 'CURRENT'
                        RETURNING\s""" + COLUMNS)
                .param("until", timestamp(validUntil))
                .param("now", timestamp(now))
                .param("key", keyId)
                .query(VersionRecords::map)
                .optional();
    }

    /** Retires versions in the given states; returns how many. */
    /** Retires the key's versions in any of these states, in one statement; returns how many. */
    /** Retires a key's versions in these states; indexed so that a key's history is not read. */
    public static String retireStatement(int states) {
        return "UPDATE key_version SET state = 'RETIRED', retired_at = ? WHERE key_id = ? AND state IN ("
                + String.join(", ", java.util.Collections.nCopies(states, "?")) + ")";
    }

    public int retire(long keyId, Instant now, State... states) {
        List<Object> params = new java.util.ArrayList<>(List.of(timestamp(now), keyId));
        for (State state : states) {
            params.add(state.name());
        }
        return jdbc.sql(retireStatement(states.length)).params(params).update();
    }

    public void fail(long id, String failure) {
        jdbc.sql("UPDATE key_version SET state = 'FAILED', failure = ? WHERE id = ? AND state = 'PENDING'")
                .params(failure, id)
                .update();
    }

    /** Keys with a PREVIOUS version whose window has closed, oldest first. */
    public List<Long> keysWithExpiredOverlap(Instant now, int limit, java.util.Collection<Long> skip) {
        String skipped = skip.stream().map(String::valueOf).collect(java.util.stream.Collectors.joining(",", "{", "}"));
        return jdbc.sql("SELECT v.key_id FROM key_version v JOIN managed_key k ON k.id = v.key_id"
                        + " WHERE v.state = 'PREVIOUS' AND v.valid_until <= ? AND k.state <> 'CONFLICT'"
                        + " AND (k.next_attempt_at IS NULL OR k.next_attempt_at <= ?)" + NO_WRITE_IN_FLIGHT
                        // keys a pass already took (a gated one waiting, say) leave room for the rest
                        + " AND NOT (v.key_id = ANY (?::bigint[]))"
                        + " ORDER BY v.valid_until LIMIT ?")
                .params(timestamp(now), timestamp(now), skipped, limit)
                .query(Long.class)
                .list();
    }

    /** Marks {@code key.promotion_delayed} as recorded for the version; false when it already was. */
    public boolean reportDelay(long versionId, Instant now) {
        return jdbc.sql("UPDATE key_version SET delay_reported_at = ? WHERE id = ? AND delay_reported_at IS NULL")
                        .params(timestamp(now), versionId)
                        .update()
                > 0;
    }

    /** Keys with a NEXT version due for promotion, oldest first. */
    public List<Long> keysWithDueNext(Instant now, int limit, java.util.Collection<Long> skip) {
        String skipped = skip.stream().map(String::valueOf).collect(java.util.stream.Collectors.joining(",", "{", "}"));
        return jdbc.sql("SELECT v.key_id FROM key_version v JOIN managed_key k ON k.id = v.key_id"
                        + " WHERE v.state = 'NEXT' AND v.activate_at <= ? AND k.state <> 'CONFLICT'"
                        + " AND (k.next_attempt_at IS NULL OR k.next_attempt_at <= ?)" + NO_WRITE_IN_FLIGHT
                        // keys a pass already took (a gated one waiting, say) leave room for the rest
                        + " AND NOT (v.key_id = ANY (?::bigint[]))"
                        + " ORDER BY v.activate_at LIMIT ?")
                .params(timestamp(now), timestamp(now), skipped, limit)
                .query(Long.class)
                .list();
    }

    private static KeyVersion map(ResultSet rs, int row) throws SQLException {
        Long vaultVersion = rs.getObject("vault_version") == null ? null : rs.getLong("vault_version");
        return new KeyVersion(
                rs.getLong("id"),
                rs.getLong("key_id"),
                rs.getInt("version"),
                State.valueOf(rs.getString("state")),
                vaultVersion,
                rs.getString("fingerprint"),
                Trigger.valueOf(rs.getString("trigger")),
                rs.getString("actor"),
                rs.getString("reason"),
                rs.getString("failure"),
                Objects.requireNonNull(instant(rs, "created_at")),
                instant(rs, "activate_at"),
                instant(rs, "activated_at"),
                instant(rs, "valid_until"),
                instant(rs, "retired_at"));
    }
}
