package io.keyrotator.rotation.store;

import static io.keyrotator.rotation.store.KeyRecords.instant;
import static io.keyrotator.rotation.store.KeyRecords.timestamp;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The {@code vault_write_intent} table. At most one PENDING intent per key (a unique partial index). */
@Repository
public class IntentRecords {

    private static final String COLUMNS = "id, key_id, version_id, kind, owner, lease_until, cas, fingerprint,"
            + " previous_valid_until, next_active_at";

    private final JdbcClient jdbc;

    IntentRecords(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public Optional<WriteIntent> open(long keyId) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM vault_write_intent WHERE key_id = ? AND state = 'PENDING'")
                .param(keyId)
                .query(IntentRecords::map)
                .optional();
    }

    /**
     * Records an open intent whose lease runs {@code lease} from now in the database's time, not
     * this replica's: a replica whose clock runs ahead must not take an intent over while its owner
     * still works, nor one whose clock lags keep an abandoned intent from being recovered.
     */
    public WriteIntent insert(
            long keyId,
            @Nullable Long versionId,
            WriteIntent.Kind kind,
            String owner,
            java.time.Duration lease,
            long cas,
            String fingerprint,
            @Nullable Instant previousValidUntil,
            @Nullable Instant nextActiveAt,
            Instant now) {
        return jdbc.sql("""
                        INSERT INTO vault_write_intent (key_id, version_id, kind, state, owner, lease_until, cas,
                            fingerprint, previous_valid_until, next_active_at, created_at)
                        VALUES (?, ?, ?, 'PENDING', ?, now() + make_interval(secs => ?), ?, ?, ?, ?, ?)
                        RETURNING\s""" + COLUMNS)
                .params(
                        keyId,
                        versionId,
                        kind.name(),
                        owner,
                        lease.toMillis() / 1000.0,
                        cas,
                        fingerprint,
                        timestamp(previousValidUntil),
                        timestamp(nextActiveAt),
                        timestamp(now))
                .query(IntentRecords::map)
                .single();
    }

    /**
     * Closes an open intent, fenced: only its owner, or anyone once its lease has run out (in the
     * database's time). Returns false when the intent was already closed or is owned by a live holder.
     */
    public boolean close(long id, String state, String outcome, String owner) {
        return jdbc.sql("""
                                UPDATE vault_write_intent SET state = ?, outcome = ?, finished_at = now()
                                WHERE id = ? AND state = 'PENDING' AND (owner = ? OR lease_until < now())""").params(state, outcome, id, owner).update() == 1;
    }

    /** PENDING, DONE or ABORTED. */
    public Optional<String> state(long id) {
        return jdbc.sql("SELECT state FROM vault_write_intent WHERE id = ?")
                .param(id)
                .query(String.class)
                .optional();
    }

    /**
     * Open intents whose lease has run out in the database's time, and whose recovery is not
     * backing off: ours to finish or roll back now.
     */
    public List<WriteIntent> expired(int limit) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM vault_write_intent WHERE state = 'PENDING'"
                        + " AND GREATEST(lease_until, recover_after) < now()"
                        + " ORDER BY GREATEST(lease_until, recover_after) LIMIT ?")
                .params(limit)
                .query(IntentRecords::map)
                .list();
    }

    /** Its recovery failed: it waits {@code 5 s × 2^failures}, at most an hour, and the pass moves on. */
    public void recoveryFailed(long id) {
        jdbc.sql("UPDATE vault_write_intent SET recovery_failures = recovery_failures + 1, recover_after = "
                        + Backoff.after("recovery_failures") + " WHERE id = ? AND state = 'PENDING'")
                .param(id)
                .update();
    }

    private static WriteIntent map(ResultSet rs, int row) throws SQLException {
        Long versionId = rs.getObject("version_id") == null ? null : rs.getLong("version_id");
        return new WriteIntent(
                rs.getLong("id"),
                rs.getLong("key_id"),
                versionId,
                WriteIntent.Kind.valueOf(rs.getString("kind")),
                rs.getString("owner"),
                Objects.requireNonNull(instant(rs, "lease_until")),
                rs.getLong("cas"),
                rs.getString("fingerprint"),
                instant(rs, "previous_valid_until"),
                instant(rs, "next_active_at"));
    }
}
