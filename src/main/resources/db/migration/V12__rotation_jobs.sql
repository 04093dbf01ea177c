-- Bulk rotation jobs (docs/contract.md#rotation-jobs). The keys a job rotates are fixed when it is
-- created: one row per key, claimed by a worker with FOR UPDATE SKIP LOCKED and a lease.
CREATE TABLE rotation_job (
    id                UUID          PRIMARY KEY,
    state             VARCHAR(16)   NOT NULL
        CONSTRAINT rotation_job_state CHECK (state IN ('RUNNING', 'DONE', 'CANCELLED')),
    selector          JSONB         NOT NULL,
    reason            VARCHAR(512),
    overlap_seconds   BIGINT,
    actor             VARCHAR(160)  NOT NULL,
    total             INT           NOT NULL,
    created_at        TIMESTAMPTZ   NOT NULL,
    finished_at       TIMESTAMPTZ
);

CREATE INDEX rotation_job_created ON rotation_job (created_at DESC);

CREATE TABLE rotation_job_key (
    job_id         UUID          NOT NULL REFERENCES rotation_job (id) ON DELETE CASCADE,
    key_name       VARCHAR(64)   NOT NULL,
    state          VARCHAR(16)   NOT NULL
        CONSTRAINT rotation_job_key_state CHECK (state IN ('OPEN', 'DONE', 'FAILED', 'CANCELLED')),
    -- OPEN: when a worker may take it (a lease while it rotates, a wait after a failure)
    attempt_after  TIMESTAMPTZ   NOT NULL,
    attempts       INT           NOT NULL DEFAULT 0,
    version        INT,
    failure        VARCHAR(64),
    finished_at    TIMESTAMPTZ,
    PRIMARY KEY (job_id, key_name)
);

CREATE INDEX rotation_job_key_due ON rotation_job_key (attempt_after) WHERE state = 'OPEN';
