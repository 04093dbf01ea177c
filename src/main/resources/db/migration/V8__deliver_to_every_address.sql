-- A subscription may be delivered to every address its host resolves to (the pods behind a
-- headless Service), each address recorded on its own below its delivery. Additive: the previous
-- release ignores both during a rolling upgrade (and delivers such a subscription to one address).
ALTER TABLE webhook_subscription ADD COLUMN deliver_to VARCHAR(16) NOT NULL DEFAULT 'one';

CREATE TABLE webhook_delivery_address (
    delivery_id      UUID         NOT NULL REFERENCES webhook_delivery (id) ON DELETE CASCADE,
    address          VARCHAR(45)  NOT NULL,
    status           VARCHAR(16)  NOT NULL,
    attempts         INT          NOT NULL,
    last_status_code INT,
    last_error       VARCHAR(128),
    delivered_at     TIMESTAMPTZ,
    updated_at       TIMESTAMPTZ  NOT NULL,
    PRIMARY KEY (delivery_id, address),
    CONSTRAINT webhook_delivery_address_status CHECK (status IN ('DELIVERED', 'FAILED'))
);
