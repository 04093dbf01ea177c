-- The Vault side effects of a confirmed write (destruction, custom_metadata) move off the request
-- path to a worker that claims keys with a lease and backs off per key when one keeps failing, so
-- a key that always fails (permission denied on one mount) no longer holds up the keys behind it.
ALTER TABLE managed_key
    ADD COLUMN sync_after    TIMESTAMPTZ,
    ADD COLUMN sync_failures INT NOT NULL DEFAULT 0;
DROP INDEX managed_key_unsynced;
CREATE INDEX managed_key_unsynced ON managed_key (sync_after NULLS FIRST, id)
    WHERE NOT metadata_synced OR destroy_below > destroyed_below;
