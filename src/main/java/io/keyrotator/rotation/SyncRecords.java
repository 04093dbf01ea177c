package io.keyrotator.rotation;

import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The bookkeeping of Vault side effects on {@code managed_key}: versions to destroy and whether
 * {@code custom_metadata} matches. Set pending in the confirming transaction, cleared here once done.
 */
@Repository
class SyncRecords {

    private final JdbcClient jdbc;

    SyncRecords(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    void markMetadataSynced(long id, long vaultVersion) {
        jdbc.sql("UPDATE managed_key SET metadata_synced = TRUE WHERE id = ? AND last_vault_version = ?")
                .params(id, vaultVersion)
                .update();
    }

    void markDestroyed(long id, long below) {
        jdbc.sql("UPDATE managed_key SET destroyed_below = GREATEST(destroyed_below, ?) WHERE id = ?")
                .params(below, id)
                .update();
    }

    /** Keys whose Vault side effects (custom metadata, destruction) are not done yet. */
    List<Long> unsynced(int limit) {
        return jdbc.sql("SELECT id FROM managed_key WHERE NOT metadata_synced OR destroy_below > destroyed_below"
                        + " ORDER BY id LIMIT ?")
                .param(limit)
                .query(Long.class)
                .list();
    }

    long destroyBelow(long id) {
        return jdbc.sql("SELECT destroy_below FROM managed_key WHERE id = ? AND destroy_below > destroyed_below")
                .param(id)
                .query(Long.class)
                .optional()
                .orElse(0L);
    }
}
