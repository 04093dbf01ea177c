-- What a reported leak of one of the key's live values does (docs/contract.md#leaks).
ALTER TABLE managed_key ADD COLUMN on_leak VARCHAR(8) NOT NULL DEFAULT 'ROTATE'
    CONSTRAINT managed_key_on_leak CHECK (on_leak IN ('ROTATE', 'NOTIFY'));

-- A reported value is found by its fingerprint: one index lookup, however many versions there are.
CREATE INDEX key_version_fingerprint ON key_version (fingerprint);

-- Every leak report. The reported value is never stored: only its fingerprint, and, when it was a
-- key of ours, which key and version. key_name and version stay when the key is deleted.
CREATE TABLE leak_report (
    id             UUID          PRIMARY KEY,
    fingerprint    CHAR(16)      NOT NULL,
    key_id         BIGINT        REFERENCES managed_key (id) ON DELETE SET NULL,
    version_id     BIGINT        REFERENCES key_version (id) ON DELETE SET NULL,
    key_name       VARCHAR(64),
    version        INT,
    outcome        VARCHAR(16)   NOT NULL,
    channel        VARCHAR(16)   NOT NULL,
    reporter       VARCHAR(160)  NOT NULL,
    source         VARCHAR(2048),
    reason         VARCHAR(512),
    reported_at    TIMESTAMPTZ   NOT NULL,
    invalidated_at TIMESTAMPTZ,
    -- the value is destroyed once the key's KV versions below this one are
    destroy_below  BIGINT,
    destroyed_at   TIMESTAMPTZ,
    -- PENDING: when a worker may take it (a lease while it is being handled, a backoff after a failure)
    attempt_after  TIMESTAMPTZ,
    attempts       INT           NOT NULL DEFAULT 0,
    last_failure   VARCHAR(64),
    CONSTRAINT leak_report_outcome
        CHECK (outcome IN ('PENDING', 'ROTATED', 'NOTIFIED', 'ALREADY_INVALID', 'UNKNOWN')),
    CONSTRAINT leak_report_channel CHECK (channel IN ('api', 'github'))
);

-- The same leak reported twice is one record.
CREATE UNIQUE INDEX leak_report_once ON leak_report (version_id) WHERE version_id IS NOT NULL;
CREATE INDEX leak_report_pending ON leak_report (attempt_after) WHERE outcome = 'PENDING';
CREATE INDEX leak_report_undestroyed ON leak_report (key_id) WHERE destroyed_at IS NULL AND destroy_below IS NOT NULL;
CREATE INDEX leak_report_key ON leak_report (key_id, reported_at);
CREATE INDEX leak_report_reported ON leak_report (reported_at, id);
