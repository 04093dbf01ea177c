package io.keyrotator.webhooks;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The {@code webhook_event} outbox and {@code webhook_delivery} rows. */
@Repository
class DeliveryRecords {

    private final JdbcClient jdbc;
    /** For JDBC batches, which {@link JdbcClient} does not offer. */
    private final JdbcTemplate template;

    DeliveryRecords(JdbcClient jdbc, JdbcTemplate template) {
        this.jdbc = jdbc;
        this.template = template;
    }

    record Event(UUID id, String type, @Nullable String keyName) {}

    record Claimed(UUID id, UUID subscriptionId, UUID eventId, int attempts, String type, String payload) {}

    /** Events not yet turned into deliveries, skipping rows another dispatcher holds. */
    List<Event> unfanned(int limit) {
        return jdbc.sql("SELECT id, type, key_name FROM webhook_event WHERE NOT fanned_out ORDER BY created_at"
                        + " LIMIT ? FOR UPDATE SKIP LOCKED")
                .param(limit)
                .query((rs, row) -> new Event(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3)))
                .list();
    }

    record NewDelivery(UUID id, UUID subscriptionId, UUID eventId) {}

    void insertDeliveries(List<NewDelivery> deliveries, Instant now) {
        template.batchUpdate(
                "INSERT INTO webhook_delivery (id, subscription_id, event_id, status, next_attempt_at, created_at)"
                        + " VALUES (?, ?, ?, 'PENDING', ?, ?) ON CONFLICT DO NOTHING",
                deliveries,
                deliveries.size(),
                (ps, d) -> {
                    ps.setObject(1, d.id());
                    ps.setObject(2, d.subscriptionId());
                    ps.setObject(3, d.eventId());
                    ps.setObject(4, at(now));
                    ps.setObject(5, at(now));
                });
    }

    void markFanned(List<UUID> eventIds) {
        template.batchUpdate(
                "UPDATE webhook_event SET fanned_out = TRUE WHERE id = ?",
                eventIds,
                eventIds.size(),
                (ps, id) -> ps.setObject(1, id));
    }

    /**
     * Claims due deliveries of enabled subscriptions: counts the attempt and pushes the next attempt
     * past the lease, so no other dispatcher sends the same attempt while this one is in flight.
     */
    List<Claimed> claim(Instant now, Instant leaseUntil, int limit) {
        return jdbc.sql("""
                        WITH due AS (
                            SELECT d.id FROM webhook_delivery d
                            JOIN webhook_subscription s ON s.id = d.subscription_id AND s.enabled
                            WHERE d.status IN ('PENDING', 'FAILED') AND d.next_attempt_at <= ?
                            ORDER BY d.next_attempt_at LIMIT ? FOR UPDATE OF d SKIP LOCKED),
                        claimed AS (
                            UPDATE webhook_delivery d SET attempts = d.attempts + 1, next_attempt_at = ?
                            FROM due WHERE d.id = due.id
                            RETURNING d.id, d.subscription_id, d.event_id, d.attempts)
                        SELECT c.id, c.subscription_id, c.event_id, c.attempts, e.type, e.payload
                        FROM claimed c JOIN webhook_event e ON e.id = c.event_id""")
                .params(at(now), limit, at(leaseUntil))
                .query((rs, row) -> new Claimed(
                        rs.getObject(1, UUID.class),
                        rs.getObject(2, UUID.class),
                        rs.getObject(3, UUID.class),
                        rs.getInt(4),
                        rs.getString(5),
                        rs.getString(6)))
                .list();
    }

    /**
     * Records a batch of attempts in one round trip. A row whose attempt count moved on (claimed
     * again after its lease ran out) is left alone. A refunded attempt gives its count back.
     */
    void record(List<DeliveryResult> results) {
        template.batchUpdate(
                "UPDATE webhook_delivery SET status = ?, last_status_code = ?, last_error = ?,"
                        + " delivered_at = COALESCE(?, delivered_at), next_attempt_at = ?, attempts = attempts - ?"
                        + " WHERE id = ? AND attempts = ?",
                results,
                results.size(),
                (ps, r) -> {
                    ps.setString(1, r.status());
                    ps.setObject(2, r.statusCode(), java.sql.Types.INTEGER);
                    ps.setString(3, r.error());
                    ps.setObject(4, at(r.deliveredAt()), java.sql.Types.TIMESTAMP_WITH_TIMEZONE);
                    ps.setObject(5, at(r.nextAttemptAt()), java.sql.Types.TIMESTAMP_WITH_TIMEZONE);
                    ps.setInt(6, r.refunded() ? 1 : 0);
                    ps.setObject(7, r.deliveryId());
                    ps.setInt(8, r.attempt());
                });
    }

    /** A new attempt of a DEAD or DELIVERED delivery, with the same webhook-id (the event id). */
    boolean redeliver(UUID subscriptionId, UUID deliveryId, Instant now) {
        return jdbc.sql("UPDATE webhook_delivery SET status = 'PENDING', attempts = 0, next_attempt_at = ?"
                                + " WHERE id = ? AND subscription_id = ? AND status IN ('DEAD', 'DELIVERED')")
                        .params(at(now), deliveryId, subscriptionId)
                        .update()
                == 1;
    }

    boolean exists(UUID subscriptionId, UUID deliveryId) {
        return jdbc.sql("SELECT count(*) FROM webhook_delivery WHERE id = ? AND subscription_id = ?")
                        .params(deliveryId, subscriptionId)
                        .query(Long.class)
                        .single()
                > 0;
    }

    List<DeliveryView> ofSubscription(UUID subscriptionId, int limit) {
        return jdbc.sql("""
                        SELECT d.id, d.event_id, e.type, d.status, d.attempts, d.last_status_code, d.last_error,
                            d.next_attempt_at, d.delivered_at, d.created_at
                        FROM webhook_delivery d JOIN webhook_event e ON e.id = d.event_id
                        WHERE d.subscription_id = ? ORDER BY d.created_at DESC, d.id LIMIT ?""")
                .params(subscriptionId, limit)
                .query((rs, row) -> new DeliveryView(
                        rs.getObject(1, UUID.class),
                        rs.getObject(2, UUID.class),
                        rs.getString(3),
                        rs.getString(4),
                        rs.getInt(5),
                        (Integer) rs.getObject(6),
                        rs.getString(7),
                        instant(rs.getTimestamp(8)),
                        instant(rs.getTimestamp(9)),
                        rs.getTimestamp(10).toInstant()))
                .list();
    }

    /** When the earliest waiting delivery falls due. */
    java.util.Optional<Instant> nextDue() {
        return jdbc.sql("SELECT min(d.next_attempt_at) FROM webhook_delivery d JOIN webhook_subscription s"
                        + " ON s.id = d.subscription_id AND s.enabled WHERE d.status IN ('PENDING', 'FAILED')")
                .query((rs, row) -> java.util.Optional.ofNullable(instant(rs.getTimestamp(1))))
                .single();
    }

    long pending() {
        return jdbc.sql(
                        "SELECT count(*) FROM webhook_delivery d JOIN webhook_subscription s ON s.id = d.subscription_id"
                                + " AND s.enabled WHERE d.status IN ('PENDING', 'FAILED')")
                .query(Long.class)
                .single();
    }

    private static java.time.@Nullable OffsetDateTime at(@Nullable Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }

    private static @Nullable Instant instant(java.sql.@Nullable Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }
}
