-- An intent whose recovery keeps failing (permission denied on one mount, a row that cannot be
-- resolved) waits 5 s x 2^failures, at most an hour, so each recovery pass gets past it to the
-- intents behind it. Additive: the previous release ignores both columns during a rolling upgrade.
ALTER TABLE vault_write_intent
    ADD COLUMN recover_after     TIMESTAMPTZ,
    ADD COLUMN recovery_failures INT NOT NULL DEFAULT 0;
CREATE INDEX vault_write_intent_recoverable ON vault_write_intent (GREATEST(lease_until, recover_after))
    WHERE state = 'PENDING';
