-- Finished write intents and settled webhook events are purged after their retention, in small
-- batches: these indexes find them without a scan. The foreign keys that had no index of their
-- own get one, so deleting a key or a version does not scan the tables that point at it.
CREATE INDEX vault_write_intent_finished ON vault_write_intent (finished_at) WHERE state <> 'PENDING';
CREATE INDEX vault_write_intent_key ON vault_write_intent (key_id);
CREATE INDEX vault_write_intent_version ON vault_write_intent (version_id);
CREATE INDEX webhook_event_created ON webhook_event (created_at);
CREATE INDEX webhook_delivery_event ON webhook_delivery (event_id);
