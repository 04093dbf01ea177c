-- An Idempotency-Key record is now written in the rotation's first transaction and bound to the
-- version that rotation creates, instead of being claimed beforehand and completed with a stored
-- response. Records of the old form cannot be bound to a version; they are at most a day old
-- (keyrotator.retention.idempotency) and are dropped.
DELETE FROM idempotency_record;
ALTER TABLE idempotency_record
    DROP COLUMN status,
    DROP COLUMN location,
    DROP COLUMN body,
    ADD COLUMN version_id BIGINT NOT NULL REFERENCES key_version (id) ON DELETE CASCADE;
CREATE INDEX idempotency_record_version ON idempotency_record (version_id);
