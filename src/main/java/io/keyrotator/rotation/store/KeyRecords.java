package io.keyrotator.rotation.store;

import io.keyrotator.rotation.GeneratorSpec;
import io.keyrotator.rotation.ManagedKey;
import io.keyrotator.rotation.ManagedKey.KeyState;
import io.keyrotator.rotation.NewKey;
import io.keyrotator.rotation.Promotion;
import io.keyrotator.vault.KvPath;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** The {@code managed_key} table. Plain SQL: the engine's guarantees rest on exact statements. */
@Repository
public class KeyRecords {

    static final String COLUMNS = "id, name, vault_mount, vault_path, vault_field, generator_bytes, generator_encoding,"
            + " generator_prefix, generator_checksum, rotation_period_seconds, overlap_seconds,"
            + " publish_ahead_seconds, promotion::text AS promotion, on_leak, labels::text AS labels, state, last_vault_version, last_rotated_at,"
            + " next_rotation_at, next_attempt_at, last_failure_at, last_failure_reason, failure_count, declared,"
            + " created_at, updated_at";

    private static final TypeReference<Map<String, String>> LABELS = new TypeReference<>() {};

    private final JdbcClient jdbc;
    private final JsonMapper json;
    private final RowMapper<ManagedKey> mapper = this::map;

    KeyRecords(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    public Optional<ManagedKey> findByName(String name) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM managed_key WHERE name = ?")
                .param(name)
                .query(mapper)
                .optional();
    }

    /** The destroy watermarks: KV versions below the first are to be destroyed, below the second are. */
    public long[] destroyWatermarks(long id) {
        return jdbc.sql("SELECT destroy_below, destroyed_below FROM managed_key WHERE id = ?")
                .param(id)
                .query((rs, row) -> new long[] {rs.getLong(1), rs.getLong(2)})
                .optional()
                .orElse(new long[] {0, 0});
    }

    public Optional<ManagedKey> findById(long id) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM managed_key WHERE id = ?")
                .param(id)
                .query(mapper)
                .optional();
    }

    /**
     * A key locked for a rotation, with what the first transaction checks about it, read in the same
     * round trip: whether a write is open, the CURRENT fingerprint, and the last forced rotation.
     */
    public record Locked(
            ManagedKey key,
            boolean writing,
            @Nullable String currentFingerprint,
            @Nullable Instant lastManualRotation) {}

    /**
     * Two round trips, not one: the checks must be read after the lock is held. Read in the same
     * statement as the lock, they would come from a snapshot taken before a wait for it, and miss
     * the intent the holder just committed.
     */
    /** What a rotation checks under the key's lock; indexed so that a key's history is not read. */
    public static final String ROTATION_CHECKS = "SELECT"
            + " EXISTS (SELECT 1 FROM vault_write_intent WHERE key_id = ? AND state = 'PENDING'),"
            + " (SELECT fingerprint FROM key_version WHERE key_id = ? AND state = 'CURRENT'),"
            + " (SELECT max(created_at) FROM key_version WHERE key_id = ? AND trigger = 'MANUAL'"
            + " AND state <> 'FAILED')";

    public Optional<Locked> lockForRotation(long id) {
        Optional<ManagedKey> key = jdbc.sql("SELECT " + COLUMNS + " FROM managed_key WHERE id = ? FOR UPDATE")
                .param(id)
                .query(mapper)
                .optional();
        return key.map(locked -> jdbc.sql(ROTATION_CHECKS)
                .params(id, id, id)
                .query((rs, row) -> new Locked(
                        locked,
                        rs.getBoolean(1),
                        rs.getString(2),
                        rs.getTimestamp(3) == null ? null : rs.getTimestamp(3).toInstant()))
                .single());
    }

    /** Locks the row until the transaction ends; the caller must be in one. */
    public ManagedKey lock(long id) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM managed_key WHERE id = ? FOR UPDATE")
                .param(id)
                .query(mapper)
                .single();
    }

    /** Keys that came from the declarative catalogue. */
    public List<ManagedKey> declared() {
        return jdbc.sql("SELECT " + COLUMNS + " FROM managed_key WHERE declared ORDER BY name")
                .query(mapper)
                .list();
    }

    public boolean existsByPath(KvPath path) {
        return jdbc.sql("SELECT count(*) FROM managed_key WHERE vault_mount = ? AND vault_path = ?")
                        .params(path.mount(), path.path())
                        .query(Long.class)
                        .single()
                > 0;
    }

    public List<ManagedKey> page(
            @Nullable KeyState state, @Nullable String labelKey, @Nullable String labelValue, int offset, int limit) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM managed_key" + filter(state, labelKey)
                        + " ORDER BY name LIMIT :limit OFFSET :offset")
                .param("state", state == null ? null : state.name())
                .param("labels", labelKey == null ? null : json.writeValueAsString(Map.of(labelKey, labelValue)))
                .param("limit", limit)
                .param("offset", offset)
                .query(mapper)
                .list();
    }

    public long count(@Nullable KeyState state, @Nullable String labelKey, @Nullable String labelValue) {
        return jdbc.sql("SELECT count(*) FROM managed_key" + filter(state, labelKey))
                .param("state", state == null ? null : state.name())
                .param("labels", labelKey == null ? null : json.writeValueAsString(Map.of(labelKey, labelValue)))
                .query(Long.class)
                .single();
    }

    /**
     * Names of the keys that have every one of {@code labels}, are among {@code names} (when not
     * empty) and whose Vault path starts with {@code pathPrefix} (when not null), by name, at most
     * {@code limit}.
     */
    public List<String> namesMatching(
            Map<String, String> labels, List<String> names, @Nullable String pathPrefix, int limit) {
        String where = " WHERE labels @> CAST(:labels AS jsonb)";
        if (!names.isEmpty()) {
            where += " AND name IN (:names)";
        }
        if (pathPrefix != null) {
            where += " AND vault_path LIKE :prefix ESCAPE '\\'";
        }
        var query = jdbc.sql("SELECT name FROM managed_key" + where + " ORDER BY name LIMIT :limit")
                .param("labels", json.writeValueAsString(labels))
                .param("limit", limit);
        if (!names.isEmpty()) {
            query = query.param("names", names);
        }
        if (pathPrefix != null) {
            query = query.param("prefix", pathPrefix.replaceAll("([\\\\%_])", "\\\\$1") + "%");
        }
        return query.query(String.class).list();
    }

    private static String filter(@Nullable KeyState state, @Nullable String labelKey) {
        String where = " WHERE TRUE";
        if (state != null) {
            where += " AND state = :state";
        }
        if (labelKey != null) {
            where += " AND labels @> CAST(:labels AS jsonb)";
        }
        return where;
    }

    /** A new key as registered; returns its id. */
    public long insert(NewKey key, Instant now) {
        return jdbc.sql("""
                        INSERT INTO managed_key (name, vault_mount, vault_path, vault_field, generator_bytes,
                            generator_encoding, generator_prefix, generator_checksum, rotation_period_seconds,
                            overlap_seconds, publish_ahead_seconds, promotion, on_leak, labels, state, last_vault_version,
                            declared, created_at, updated_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, CAST(? AS jsonb), ?, CAST(? AS jsonb), 'ACTIVE', ?, ?, ?, ?)
                        RETURNING id""")
                .params(
                        key.name(),
                        key.vaultPath().mount(),
                        key.vaultPath().path(),
                        key.vaultField(),
                        key.generator().bytes(),
                        key.generator().encoding().name(),
                        key.generator().prefix(),
                        key.generator().checksum(),
                        key.rotationPeriod().toSeconds(),
                        key.overlap().toSeconds(),
                        key.publishAhead().toSeconds(),
                        promotionJson(key.promotion()),
                        key.onLeak().name(),
                        labelsJson(key.labels()),
                        key.lastVaultVersion(),
                        key.declared(),
                        timestamp(now),
                        timestamp(now))
                .query(Long.class)
                .single();
    }

    /** Settings a PATCH or the catalogue may change; the schedule follows a changed period. */
    public void updateSettings(long id, NewKey settings, @Nullable Instant nextRotationAt, Instant now) {
        jdbc.sql("""
                        UPDATE managed_key SET generator_bytes = ?, generator_encoding = ?, generator_prefix = ?,
                            generator_checksum = ?, rotation_period_seconds = ?, overlap_seconds = ?,
                            publish_ahead_seconds = ?, promotion = CAST(? AS jsonb), on_leak = ?, labels = CAST(? AS jsonb),
                            declared = ?,
                            next_rotation_at = COALESCE(?, next_rotation_at), updated_at = ?
                        WHERE id = ?""")
                .params(
                        settings.generator().bytes(),
                        settings.generator().encoding().name(),
                        settings.generator().prefix(),
                        settings.generator().checksum(),
                        settings.rotationPeriod().toSeconds(),
                        settings.overlap().toSeconds(),
                        settings.publishAhead().toSeconds(),
                        promotionJson(settings.promotion()),
                        settings.onLeak().name(),
                        labelsJson(settings.labels()),
                        settings.declared(),
                        timestamp(nextRotationAt),
                        timestamp(now),
                        id)
                .update();
    }

    public void setState(long id, KeyState state, Instant now) {
        jdbc.sql("UPDATE managed_key SET state = ?, updated_at = ? WHERE id = ?")
                .params(state.name(), timestamp(now), id)
                .update();
    }

    public void delete(long id) {
        jdbc.sql("DELETE FROM managed_key WHERE id = ?").param(id).update();
    }

    /**
     * A confirmed write: the new cas, and what it changed of the schedule and of what to destroy.
     * Its Vault side effects are now pending; when no lease on them is held (a sync in flight, a
     * backoff), the write takes one for {@code syncLease} and returns the work, for this replica's
     * worker to do at once without claiming it (empty: the holder's settle leaves it claimable).
     */
    public Optional<SyncRecords.Work> recordWrite(
            long id,
            long vaultVersion,
            @Nullable Instant rotatedAt,
            @Nullable Instant nextRotationAt,
            boolean dropsKeys,
            Instant now,
            java.time.Duration syncLease) {
        return jdbc.sql("""
                        UPDATE managed_key k SET last_vault_version = ?, last_rotated_at = COALESCE(?, last_rotated_at),
                            next_rotation_at = COALESCE(?, next_rotation_at),
                            destroy_below = CASE WHEN ? THEN ? ELSE destroy_below END,
                            next_attempt_at = NULL, last_failure_at = NULL, last_failure_reason = NULL,
                            failure_count = 0, metadata_synced = FALSE, updated_at = ?,
                            sync_after = CASE WHEN sync_after IS NULL OR sync_after <= now()
                                THEN now() + make_interval(secs => ?) ELSE sync_after END
                        WHERE id = ?
                        RETURNING\s""" + SyncRecords.WORK + ", k.sync_after = now() + make_interval(secs => ?)")
                .params(
                        vaultVersion,
                        timestamp(rotatedAt),
                        timestamp(nextRotationAt),
                        dropsKeys,
                        vaultVersion,
                        timestamp(now),
                        syncLease.toSeconds(),
                        id,
                        syncLease.toSeconds())
                .query((rs, row) ->
                        rs.getBoolean(13) ? Optional.of(SyncRecords.work(rs)) : Optional.<SyncRecords.Work>empty())
                .single();
    }

    public void recordFailure(long id, String reason, Instant now, Instant nextAttemptAt) {
        jdbc.sql("""
                        UPDATE managed_key SET last_failure_at = ?, last_failure_reason = ?,
                            failure_count = failure_count + 1, next_attempt_at = ?, updated_at = ?
                        WHERE id = ?""")
                .params(timestamp(now), reason, timestamp(nextAttemptAt), timestamp(now), id)
                .update();
    }

    /** Adoption: the value now in Vault is current and the key active again. */
    /**
     * The key takes over what Vault holds now, at {@code vaultVersion}: every version below {@code
     * destroyBelow} is to be destroyed, counted from version 1 again, since the path may have been
     * recreated (a restore, a migration, {@code kv metadata delete}) and begun again at 1, and old
     * watermarks would then skip its versions for good.
     */
    public void recordAdoption(long id, long vaultVersion, long destroyBelow, Instant now) {
        jdbc.sql("""
                        UPDATE managed_key SET state = 'ACTIVE', last_vault_version = ?, metadata_synced = FALSE,
                            destroy_below = ?, destroyed_below = 0,
                            next_attempt_at = NULL, last_failure_at = NULL, last_failure_reason = NULL,
                            failure_count = 0, updated_at = ?
                        WHERE id = ?""").params(vaultVersion, destroyBelow, timestamp(now), id).update();
    }

    /**
     * Claims active keys that are due, skipping rows another replica has locked; the caller's
     * transaction holds the locks.
     */
    /**
     * Due keys without a write in flight: a key whose intent waits for its owner or for recovery
     * would be claimed again every batch, and a hundred of them would hide every key behind them.
     */
    public List<Long> claimDue(Instant now, int limit) {
        return jdbc.sql("""
                        SELECT id FROM managed_key k
                        WHERE state = 'ACTIVE' AND COALESCE(next_attempt_at, next_rotation_at) <= ?
                            AND NOT EXISTS (SELECT 1 FROM vault_write_intent i
                                WHERE i.key_id = k.id AND i.state = 'PENDING')
                        ORDER BY COALESCE(next_attempt_at, next_rotation_at)
                        LIMIT ? FOR UPDATE SKIP LOCKED""").params(timestamp(now), limit).query(Long.class).list();
    }

    String labelsJson(Map<String, String> labels) {
        return json.writeValueAsString(labels);
    }

    private @Nullable String promotionJson(Promotion promotion) {
        return promotion.gated()
                ? json.writeValueAsString(new StoredPromotion(
                        promotion.awaitConsumers(),
                        promotion.timeout().toSeconds(),
                        promotion.onTimeout().name()))
                : null;
    }

    private Promotion promotion(@Nullable String stored) {
        if (stored == null) {
            return Promotion.NONE;
        }
        StoredPromotion read = json.readValue(stored, StoredPromotion.class);
        return new Promotion(
                read.awaitConsumers(),
                Duration.ofSeconds(read.timeoutSeconds()),
                Promotion.OnTimeout.valueOf(read.onTimeout()));
    }

    /** The {@code promotion} column: seconds and names, independent of how Jackson writes a Duration. */
    record StoredPromotion(List<String> awaitConsumers, long timeoutSeconds, String onTimeout) {}

    private ManagedKey map(ResultSet rs, int row) throws SQLException {
        return new ManagedKey(
                rs.getLong("id"),
                rs.getString("name"),
                KvPath.of(rs.getString("vault_mount"), rs.getString("vault_path")),
                rs.getString("vault_field"),
                new GeneratorSpec(
                        rs.getInt("generator_bytes"),
                        GeneratorSpec.Encoding.valueOf(rs.getString("generator_encoding")),
                        rs.getString("generator_prefix"),
                        rs.getBoolean("generator_checksum")),
                Duration.ofSeconds(rs.getLong("rotation_period_seconds")),
                Duration.ofSeconds(rs.getLong("overlap_seconds")),
                Duration.ofSeconds(rs.getLong("publish_ahead_seconds")),
                promotion(rs.getString("promotion")),
                io.keyrotator.rotation.OnLeak.valueOf(rs.getString("on_leak")),
                json.readValue(rs.getString("labels"), LABELS),
                KeyState.valueOf(rs.getString("state")),
                rs.getLong("last_vault_version"),
                instant(rs, "last_rotated_at"),
                instant(rs, "next_rotation_at"),
                instant(rs, "next_attempt_at"),
                instant(rs, "last_failure_at"),
                rs.getString("last_failure_reason"),
                rs.getInt("failure_count"),
                rs.getBoolean("declared"),
                java.util.Objects.requireNonNull(instant(rs, "created_at")),
                java.util.Objects.requireNonNull(instant(rs, "updated_at")));
    }

    public static @Nullable Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp timestamp = rs.getTimestamp(column);
        return timestamp == null ? null : timestamp.toInstant();
    }

    /** An instant as PostgreSQL's driver binds it to {@code timestamptz}. */
    public static java.time.@Nullable OffsetDateTime timestamp(@Nullable Instant instant) {
        return instant == null ? null : instant.atOffset(java.time.ZoneOffset.UTC);
    }
}
