-- An Idempotency-Key record is now written in the rotation's first transaction and bound to the
-- version that rotation creates, instead of being claimed beforehand and completed with a stored
-- response. Additive only, so that pods of the previous release keep working during a rolling
-- upgrade: their records have no version; status, location and body are no longer written and are
-- dropped by a later release.
ALTER TABLE idempotency_record
    ADD COLUMN version_id BIGINT REFERENCES key_version (id) ON DELETE CASCADE;
CREATE INDEX idempotency_record_version ON idempotency_record (version_id);
