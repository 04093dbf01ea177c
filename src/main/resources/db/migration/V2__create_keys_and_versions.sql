-- The key catalogue. Key material never lives here: versions carry fingerprints only.
CREATE TABLE managed_key (
    id                      BIGSERIAL    PRIMARY KEY,
    name                    VARCHAR(64)  NOT NULL UNIQUE,
    vault_mount             VARCHAR(128) NOT NULL,
    vault_path              VARCHAR(256) NOT NULL,
    vault_field             VARCHAR(64)  NOT NULL,
    generator_bytes         INT          NOT NULL,
    generator_encoding      VARCHAR(16)  NOT NULL,
    generator_prefix        VARCHAR(32)  NOT NULL,
    generator_checksum      BOOLEAN      NOT NULL,
    rotation_period_seconds BIGINT       NOT NULL,
    overlap_seconds         BIGINT       NOT NULL,
    publish_ahead_seconds   BIGINT       NOT NULL,
    labels                  JSONB        NOT NULL DEFAULT '{}',
    state                   VARCHAR(16)  NOT NULL,
    -- the KV version keyrotator last wrote: the cas of its next write
    last_vault_version      BIGINT       NOT NULL DEFAULT 0,
    -- KV versions below this one hold keys that are no longer valid and must be destroyed
    destroy_below           BIGINT       NOT NULL DEFAULT 0,
    destroyed_below         BIGINT       NOT NULL DEFAULT 0,
    -- false until the secret's custom_metadata matches the confirmed state; recovery converges it
    metadata_synced         BOOLEAN      NOT NULL DEFAULT FALSE,
    last_rotated_at         TIMESTAMPTZ,
    next_rotation_at        TIMESTAMPTZ,
    next_attempt_at         TIMESTAMPTZ,
    last_failure_at         TIMESTAMPTZ,
    last_failure_reason     VARCHAR(64),
    failure_count           INT          NOT NULL DEFAULT 0,
    declared                BOOLEAN      NOT NULL DEFAULT FALSE,
    created_at              TIMESTAMPTZ  NOT NULL,
    updated_at              TIMESTAMPTZ  NOT NULL,
    CONSTRAINT managed_key_vault_path_unique UNIQUE (vault_mount, vault_path),
    CONSTRAINT managed_key_state CHECK (state IN ('ACTIVE', 'PAUSED', 'CONFLICT'))
);

-- The scheduler asks "which active keys are due": cost grows with the due keys, not all keys.
CREATE INDEX managed_key_due ON managed_key ((COALESCE(next_attempt_at, next_rotation_at)))
    WHERE state = 'ACTIVE';

-- Recovery work: Vault side effects that did not complete after a confirmed write.
CREATE INDEX managed_key_unsynced ON managed_key (id) WHERE NOT metadata_synced OR destroy_below > destroyed_below;

CREATE TABLE key_version (
    id            BIGSERIAL    PRIMARY KEY,
    key_id        BIGINT       NOT NULL REFERENCES managed_key (id) ON DELETE CASCADE,
    version       INT          NOT NULL,
    state         VARCHAR(16)  NOT NULL,
    vault_version BIGINT,
    fingerprint   CHAR(16)     NOT NULL,
    trigger       VARCHAR(16)  NOT NULL,
    actor         VARCHAR(128),
    reason        VARCHAR(512),
    failure       VARCHAR(64),
    created_at    TIMESTAMPTZ  NOT NULL,
    activate_at   TIMESTAMPTZ,
    activated_at  TIMESTAMPTZ,
    valid_until   TIMESTAMPTZ,
    retired_at    TIMESTAMPTZ,
    CONSTRAINT key_version_unique UNIQUE (key_id, version),
    CONSTRAINT key_version_state CHECK (state IN ('PENDING', 'NEXT', 'CURRENT', 'PREVIOUS', 'RETIRED', 'FAILED'))
);

CREATE UNIQUE INDEX key_version_one_current ON key_version (key_id) WHERE state = 'CURRENT';
CREATE INDEX key_version_overlap_ends ON key_version (valid_until) WHERE state = 'PREVIOUS';
CREATE INDEX key_version_next_activates ON key_version (activate_at) WHERE state = 'NEXT';

-- Every Vault write is an intent first: recorded with the KV version it will create, written
-- with CAS, then confirmed by its owner. Recovery finishes or rolls back an intent whose lease ran out.
CREATE TABLE vault_write_intent (
    id                   BIGSERIAL    PRIMARY KEY,
    key_id               BIGINT       NOT NULL REFERENCES managed_key (id) ON DELETE CASCADE,
    version_id           BIGINT       REFERENCES key_version (id) ON DELETE CASCADE,
    kind                 VARCHAR(16)  NOT NULL,
    state                VARCHAR(16)  NOT NULL,
    owner                VARCHAR(160) NOT NULL,
    lease_until          TIMESTAMPTZ  NOT NULL,
    cas                  BIGINT       NOT NULL,
    -- fingerprint of the api_key field the write puts in Vault
    fingerprint          CHAR(16)     NOT NULL,
    -- when the key that stops being current stays valid until (NULL: invalid at once)
    previous_valid_until TIMESTAMPTZ,
    -- PUBLISH only: when the published key becomes current
    next_active_at       TIMESTAMPTZ,
    created_at           TIMESTAMPTZ  NOT NULL,
    finished_at          TIMESTAMPTZ,
    outcome              VARCHAR(32),
    CONSTRAINT vault_write_intent_state CHECK (state IN ('PENDING', 'DONE', 'ABORTED'))
);

CREATE UNIQUE INDEX vault_write_intent_one_open ON vault_write_intent (key_id) WHERE state = 'PENDING';
CREATE INDEX vault_write_intent_open_leases ON vault_write_intent (lease_until) WHERE state = 'PENDING';

CREATE TABLE idempotency_record (
    caller        VARCHAR(128) NOT NULL,
    key_name      VARCHAR(64)  NOT NULL,
    idempotency_key VARCHAR(255) NOT NULL,
    request_hash  CHAR(64)     NOT NULL,
    status        INT,
    location      VARCHAR(512),
    body          TEXT,
    created_at    TIMESTAMPTZ  NOT NULL,
    PRIMARY KEY (caller, key_name, idempotency_key)
);

CREATE INDEX idempotency_record_created ON idempotency_record (created_at);
