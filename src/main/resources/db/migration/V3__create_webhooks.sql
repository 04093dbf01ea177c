-- Webhook subscriptions. Signing secrets and receiver credentials live in Vault, never here.
CREATE TABLE webhook_subscription (
    id                 UUID         PRIMARY KEY,
    url                VARCHAR(2048) NOT NULL,
    events             JSONB        NOT NULL,
    key_patterns       JSONB        NOT NULL,
    format             VARCHAR(32)  NOT NULL,
    enabled            BOOLEAN      NOT NULL,
    has_authorization  BOOLEAN      NOT NULL DEFAULT FALSE,
    -- bumped whenever the secrets in Vault change, so dispatchers reload them
    secret_generation  INT          NOT NULL DEFAULT 1,
    disabled_reason    VARCHAR(64),
    created_at         TIMESTAMPTZ  NOT NULL,
    updated_at         TIMESTAMPTZ  NOT NULL
);

-- The transactional outbox: written in the transaction of the state change it reports.
CREATE TABLE webhook_event (
    id          UUID         PRIMARY KEY,
    type        VARCHAR(64)  NOT NULL,
    key_name    VARCHAR(64),
    payload     TEXT         NOT NULL,
    fanned_out  BOOLEAN      NOT NULL DEFAULT FALSE,
    created_at  TIMESTAMPTZ  NOT NULL
);

CREATE INDEX webhook_event_unfanned ON webhook_event (created_at) WHERE NOT fanned_out;

-- One delivery per event and subscription. next_attempt_at doubles as the lease of an attempt in
-- flight: a claimed delivery is pushed past the delivery timeout, so no other dispatcher takes it.
CREATE TABLE webhook_delivery (
    id               UUID         PRIMARY KEY,
    subscription_id  UUID         NOT NULL REFERENCES webhook_subscription (id) ON DELETE CASCADE,
    event_id         UUID         NOT NULL REFERENCES webhook_event (id) ON DELETE CASCADE,
    status           VARCHAR(16)  NOT NULL,
    attempts         INT          NOT NULL DEFAULT 0,
    next_attempt_at  TIMESTAMPTZ,
    last_status_code INT,
    last_error       VARCHAR(128),
    delivered_at     TIMESTAMPTZ,
    created_at       TIMESTAMPTZ  NOT NULL,
    CONSTRAINT webhook_delivery_status CHECK (status IN ('PENDING', 'DELIVERED', 'FAILED', 'DEAD')),
    CONSTRAINT webhook_delivery_once UNIQUE (subscription_id, event_id)
);

CREATE INDEX webhook_delivery_due ON webhook_delivery (next_attempt_at) WHERE status IN ('PENDING', 'FAILED');
CREATE INDEX webhook_delivery_of_subscription ON webhook_delivery (subscription_id, created_at DESC);
