package io.keyrotator.bench;

/**
 * The statements one forced rotation of keyrotator sends to PostgreSQL, copied from its
 * repositories and in the order it sends them (found with {@code log_statement = all} on a run of
 * the packaged service; see the README's "Performance" section). The floor sends exactly these.
 */
final class FloorSql {

    private FloorSql() {}

    static final String KEY_COLUMNS = "id, name, vault_mount, vault_path, vault_field, generator_bytes,"
            + " generator_encoding, generator_prefix, generator_checksum, rotation_period_seconds, overlap_seconds,"
            + " publish_ahead_seconds, promotion::text AS promotion, on_leak, labels::text AS labels, state,"
            + " last_vault_version, last_rotated_at,"
            + " next_rotation_at, next_attempt_at, last_failure_at, last_failure_reason, failure_count, declared,"
            + " created_at, updated_at";
    static final String VERSION_COLUMNS = "id, key_id, version, state, vault_version, fingerprint, trigger, actor,"
            + " reason, failure, created_at, activate_at, activated_at, valid_until, retired_at";

    static final String KEY_BY_NAME = "SELECT " + KEY_COLUMNS + " FROM managed_key WHERE name = ?";
    static final String LOCK_KEY = "SELECT " + KEY_COLUMNS + " FROM managed_key WHERE id = ? FOR UPDATE";
    static final String ROTATION_CHECKS = "SELECT"
            + " EXISTS (SELECT 1 FROM vault_write_intent WHERE key_id = ? AND state = 'PENDING'),"
            + " (SELECT fingerprint FROM key_version WHERE key_id = ? AND state = 'CURRENT'),"
            + " (SELECT max(created_at) FROM key_version WHERE key_id = ? AND trigger = 'MANUAL'"
            + " AND state <> 'FAILED')";
    static final String INSERT_VERSION = "INSERT INTO key_version (key_id, version, state, fingerprint, trigger, actor,"
            + " reason, created_at) SELECT ?, COALESCE(MAX(version), 0) + 1, ?, ?, ?, ?, ?, ? FROM key_version"
            + " WHERE key_id = ? RETURNING " + VERSION_COLUMNS;
    static final String INSERT_INTENT = "INSERT INTO vault_write_intent (key_id, version_id, kind, state, owner,"
            + " lease_until, cas, fingerprint, previous_valid_until, next_active_at, created_at)"
            + " VALUES (?, ?, ?, 'PENDING', ?, now() + make_interval(secs => ?), ?, ?, ?, ?, ?)"
            + " RETURNING id, key_id, version_id, kind, owner, lease_until, cas, fingerprint, previous_valid_until,"
            + " next_active_at";

    static final String CLOSE_INTENT = "UPDATE vault_write_intent SET state = ?, outcome = ?, finished_at = now()"
            + " WHERE id = ? AND state = 'PENDING' AND (owner = ? OR lease_until < now())";
    static final String RETIRE_PREVIOUS_AND_NEXT =
            "UPDATE key_version SET state = 'RETIRED', retired_at = ?" + " WHERE key_id = ? AND state IN (?, ?)";
    static final String RETIRE_CURRENT = "UPDATE key_version SET"
            + " state = CASE WHEN CAST(? AS timestamptz) IS NULL THEN 'RETIRED' ELSE 'PREVIOUS' END,"
            + " valid_until = CAST(? AS timestamptz),"
            + " retired_at = CASE WHEN CAST(? AS timestamptz) IS NULL THEN CAST(? AS timestamptz) END"
            + " WHERE key_id = ? AND state = 'CURRENT' RETURNING " + VERSION_COLUMNS;
    static final String BECOME_CURRENT = "UPDATE key_version SET state = 'CURRENT', vault_version ="
            + " COALESCE(vault_version, ?), activated_at = ?, activate_at = NULL, delay_reported_at = NULL WHERE id = ?"
            + " RETURNING "
            + VERSION_COLUMNS;
    static final String RECORD_WRITE = "UPDATE managed_key k SET last_vault_version = ?,"
            + " last_rotated_at = COALESCE(?, last_rotated_at), next_rotation_at = COALESCE(?, next_rotation_at),"
            + " destroy_below = CASE WHEN ? THEN ? ELSE destroy_below END, next_attempt_at = NULL,"
            + " last_failure_at = NULL, last_failure_reason = NULL, failure_count = 0, metadata_synced = FALSE,"
            + " updated_at = ?, sync_after = CASE WHEN sync_after IS NULL OR sync_after <= now()"
            + " THEN now() + make_interval(secs => ?) ELSE sync_after END WHERE id = ?"
            + " RETURNING " + FloorSync.WORK + ", k.sync_after = now() + make_interval(secs => ?) AS leased";
    static final String INSERT_EVENT =
            "INSERT INTO webhook_event (id, type, key_name, payload, created_at) VALUES (?, ?, ?, ?, ?)";

    static final String UNFANNED = "SELECT id, type, key_name FROM webhook_event WHERE NOT fanned_out"
            + " ORDER BY created_at LIMIT ? FOR UPDATE SKIP LOCKED";
    static final String ENABLED_SUBSCRIPTIONS = "SELECT id, url, events::text AS events,"
            + " key_patterns::text AS key_patterns, format, deliver_to, enabled, has_authorization, secret_generation,"
            + " disabled_reason, created_at, updated_at FROM webhook_subscription WHERE enabled";
    static final String MARK_FANNED = "UPDATE webhook_event SET fanned_out = TRUE WHERE id = ANY(?::uuid[])";
    static final String CLAIM_DELIVERIES = """
            WITH due AS (
                SELECT d.id FROM webhook_delivery d
                JOIN webhook_subscription s ON s.id = d.subscription_id AND s.enabled
                WHERE d.status IN ('PENDING', 'FAILED') AND d.next_attempt_at <= ?
                ORDER BY d.next_attempt_at LIMIT ? FOR UPDATE OF d SKIP LOCKED),
            claimed AS (
                UPDATE webhook_delivery d SET attempts = d.attempts + 1, next_attempt_at = ?
                FROM due WHERE d.id = due.id
                RETURNING d.id, d.subscription_id, d.event_id, d.attempts)
            SELECT c.id, c.subscription_id, c.event_id, c.attempts, e.type, e.payload,
                ARRAY(SELECT a.address FROM webhook_delivery_address a
                    WHERE a.delivery_id = c.id AND a.status = 'DELIVERED') AS delivered
            FROM claimed c JOIN webhook_event e ON e.id = c.event_id""";
    static final String BACKLOG = "SELECT count(*), min(d.next_attempt_at) FROM webhook_delivery d"
            + " JOIN webhook_subscription s ON s.id = d.subscription_id AND s.enabled"
            + " WHERE d.status IN ('PENDING', 'FAILED')";
}
