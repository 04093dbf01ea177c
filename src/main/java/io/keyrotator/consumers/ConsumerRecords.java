package io.keyrotator.consumers;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The {@code key_consumer_instance} table. */
@Repository
class ConsumerRecords {

    private final JdbcClient jdbc;

    ConsumerRecords(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** One instance's report, replacing its last one. */
    void report(long keyId, String consumer, String instance, int version, int current, Instant now) {
        jdbc.sql("""
                        INSERT INTO key_consumer_instance (key_id, consumer, instance, version, current_version,
                            reported_at)
                        VALUES (?, ?, ?, ?, ?, ?)
                        ON CONFLICT (key_id, consumer, instance)
                        DO UPDATE SET version = EXCLUDED.version, current_version = EXCLUDED.current_version,
                            reported_at = EXCLUDED.reported_at""")
                .params(keyId, consumer, instance, version, current, now.atOffset(ZoneOffset.UTC))
                .update();
    }

    /** The key's instances heard from since {@code since}, by consumer and instance. */
    List<InstanceView> live(long keyId, Instant since) {
        return jdbc.sql("""
                        SELECT consumer, instance, version, COALESCE(current_version, version), reported_at
                        FROM key_consumer_instance
                        WHERE key_id = ? AND reported_at >= ? ORDER BY consumer, instance""")
                .params(keyId, since.atOffset(ZoneOffset.UTC))
                .query((rs, row) -> new InstanceView(
                        rs.getString(1),
                        rs.getString(2),
                        rs.getInt(3),
                        rs.getInt(4),
                        rs.getTimestamp(5).toInstant()))
                .list();
    }

    /** Reports of the key's instances gone quiet before {@code before}. */
    void forgetSilent(long keyId, Instant before) {
        jdbc.sql("DELETE FROM key_consumer_instance WHERE key_id = ? AND reported_at < ?")
                .params(keyId, before.atOffset(ZoneOffset.UTC))
                .update();
    }
}
