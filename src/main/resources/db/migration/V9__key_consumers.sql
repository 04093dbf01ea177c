-- What each instance of a dependent service reports it holds of a key: the groundwork of gated
-- promotion. One row per key, consumer and instance, replaced by every report.
CREATE TABLE key_consumer_instance (
    key_id       BIGINT       NOT NULL REFERENCES managed_key (id) ON DELETE CASCADE,
    consumer     VARCHAR(64)  NOT NULL,
    instance     VARCHAR(128) NOT NULL,
    version      INT          NOT NULL,
    reported_at  TIMESTAMPTZ  NOT NULL,
    PRIMARY KEY (key_id, consumer, instance)
);
CREATE INDEX key_consumer_instance_reported ON key_consumer_instance (reported_at);
