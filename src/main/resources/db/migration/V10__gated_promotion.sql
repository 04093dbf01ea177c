-- Gated promotion: a key may wait for its consumers' instances before a published key becomes
-- current and before a previous key's overlap closes. NULL: no gating, as before.
ALTER TABLE managed_key ADD COLUMN promotion JSONB;
-- When key.promotion_delayed was recorded for this version's promotion (NEXT) or close (PREVIOUS):
-- the event goes out once per version, and a NEXT version with it set is held. Additive: the
-- previous release ignores both during a rolling upgrade (and promotes and closes when due).
ALTER TABLE key_version ADD COLUMN delay_reported_at TIMESTAMPTZ;
-- the key gauges count held promotions every 15 s: a partial index keeps that off the version table
CREATE INDEX key_version_held ON key_version (key_id) WHERE state = 'NEXT' AND delay_reported_at IS NOT NULL;
-- what an instance presents as current, when it reports holding a newer (published) version too;
-- NULL: the same as version. The overlap close waits on it, the promotion on version.
ALTER TABLE key_consumer_instance ADD COLUMN current_version INT;
