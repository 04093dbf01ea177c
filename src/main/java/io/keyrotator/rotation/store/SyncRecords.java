package io.keyrotator.rotation.store;

import static io.keyrotator.rotation.store.KeyRecords.instant;

import io.keyrotator.rotation.KeyVersion;
import io.keyrotator.vault.KvPath;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The bookkeeping of Vault side effects on {@code managed_key}: versions to destroy and whether
 * {@code custom_metadata} matches. Set pending in the confirming transaction, which also takes the
 * lease on it when none is held ({@code KeyRecords#recordWrite}) and hands the work to this
 * replica's worker; otherwise claimed here with a lease in one statement that also returns
 * everything the work needs. Settled for a whole batch in one more. Times are the database's.
 */
@Repository
public class SyncRecords {

    private final JdbcClient jdbc;

    SyncRecords(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** One key's pending side effects, with what its custom_metadata must say. */
    public record Work(
            long keyId,
            String vaultMount,
            String vaultPath,
            long destroyBelow,
            long destroyedBelow,
            long vaultVersion,
            boolean metadataSynced,
            @Nullable Instant rotatedAt,
            @Nullable Integer currentVersion,
            @Nullable String fingerprint,
            KeyVersion.@Nullable Trigger trigger,
            @Nullable Instant previousValidUntil) {

        /**
         * Built here, not in the claim: a row that today's validation refuses (an older release's)
         * then fails its own work, which backs off, instead of the claim of the whole batch.
         */
        public KvPath path() {
            return KvPath.of(vaultMount, vaultPath);
        }

        public boolean mustDestroy() {
            return destroyBelow > destroyedBelow;
        }
    }

    /**
     * What a statement that updates {@code managed_key k} returns for a {@link Work}; the version
     * subqueries see the statements before it in the same transaction.
     */
    static final String WORK = """
            k.id, k.vault_mount, k.vault_path, k.destroy_below, k.destroyed_below,
                k.last_vault_version, k.metadata_synced, k.last_rotated_at,
                (SELECT v.version FROM key_version v
                    WHERE v.key_id = k.id AND v.state = 'CURRENT' ORDER BY v.version DESC LIMIT 1),
                (SELECT v.fingerprint FROM key_version v
                    WHERE v.key_id = k.id AND v.state = 'CURRENT' ORDER BY v.version DESC LIMIT 1),
                (SELECT v.trigger FROM key_version v
                    WHERE v.key_id = k.id AND v.state = 'CURRENT' ORDER BY v.version DESC LIMIT 1),
                (SELECT v.valid_until FROM key_version v
                    WHERE v.key_id = k.id AND v.state = 'PREVIOUS' ORDER BY v.version DESC LIMIT 1)""";

    /** Claims up to {@code limit} keys with pending work, the longest waiting first, for {@code lease}. */
    public List<Work> claim(int limit, Duration lease) {
        return jdbc.sql("""
                        WITH due AS (
                            SELECT id FROM managed_key
                            WHERE (NOT metadata_synced OR destroy_below > destroyed_below)
                                AND (sync_after IS NULL OR sync_after <= now())
                            ORDER BY sync_after NULLS FIRST, id
                            LIMIT ? FOR UPDATE SKIP LOCKED)
                        UPDATE managed_key k SET sync_after = now() + make_interval(secs => ?)
                        FROM due WHERE k.id = due.id
                        RETURNING\s""" + WORK)
                .params(limit, lease.toSeconds())
                .query((rs, row) -> work(rs))
                .list();
    }

    static Work work(ResultSet rs) throws SQLException {
        return new Work(
                rs.getLong(1),
                rs.getString(2),
                rs.getString(3),
                rs.getLong(4),
                rs.getLong(5),
                rs.getLong(6),
                rs.getBoolean(7),
                instant(rs, "last_rotated_at"),
                (Integer) rs.getObject(9),
                rs.getString(10),
                rs.getString(11) == null ? null : KeyVersion.Trigger.valueOf(rs.getString(11)),
                rs.getTimestamp(12) == null ? null : rs.getTimestamp(12).toInstant());
    }

    /** The keys a settling statement recorded, and how many of them a newer write left pending. */
    public record Settled(Set<Long> keyIds, int leftPending) {}

    /**
     * Settles a batch in one statement: destruction up to what was destroyed, the metadata synced
     * when no write came since the work was taken (one that did leaves the key pending and
     * claimable, for the next claim). With {@code skipLocked} a key a rotation holds is left out
     * rather than waited for, so the statement never holds the keys it settled while it waits for
     * one it has not (which stalled the rotations of those keys behind it); without, it locks in id
     * order, so two replicas' settles cannot deadlock.
     */
    public Settled done(List<Work> done, boolean skipLocked) {
        if (done.isEmpty()) {
            return new Settled(Set.of(), 0);
        }
        Set<Long> settled = new HashSet<>();
        int[] pending = {0};
        jdbc.sql("""
                        WITH d AS (SELECT * FROM unnest(?::bigint[], ?::bigint[], ?::bigint[]) AS d(id, below, version)),
                        locked AS (
                            SELECT k.id FROM managed_key k JOIN d ON d.id = k.id
                            ORDER BY k.id FOR UPDATE OF k""" + (skipLocked ? " SKIP LOCKED" : "") + """
                        )
                        UPDATE managed_key k
                        SET destroyed_below = GREATEST(k.destroyed_below, d.below),
                            metadata_synced = k.metadata_synced OR k.last_vault_version = d.version,
                            sync_after = NULL, sync_failures = 0
                        FROM d JOIN locked ON locked.id = d.id
                        WHERE k.id = d.id
                        RETURNING k.id, k.metadata_synced""")
                .params(
                        array(done.stream().map(Work::keyId).toList()),
                        array(done.stream().map(Work::destroyBelow).toList()),
                        array(done.stream().map(Work::vaultVersion).toList()))
                .query(rs -> {
                    settled.add(rs.getLong(1));
                    pending[0] += rs.getBoolean(2) ? 0 : 1;
                });
        return new Settled(settled, pending[0]);
    }

    /** The work failed: the key waits {@code 5 s × 2^failures}, at most an hour, and the queue moves on. */
    public void failed(long keyId) {
        jdbc.sql("UPDATE managed_key SET sync_failures = sync_failures + 1, sync_after = "
                        + Backoff.after("sync_failures") + " WHERE id = ?")
                .param(keyId)
                .update();
    }

    private static String array(List<Long> values) {
        return values.stream().map(String::valueOf).collect(Collectors.joining(",", "{", "}"));
    }
}
