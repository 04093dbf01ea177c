package io.keyrotator.webhooks;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
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

    /** @param deliveredAddresses for every-address delivery: the addresses already delivered to */
    record Claimed(
            UUID id,
            UUID subscriptionId,
            UUID eventId,
            int attempts,
            String type,
            String payload,
            List<String> deliveredAddresses) {}

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

    /** One statement for the pass, not one per event. */
    void markFanned(List<UUID> eventIds) {
        if (eventIds.isEmpty()) {
            return;
        }
        jdbc.sql("UPDATE webhook_event SET fanned_out = TRUE WHERE id = ANY(?::uuid[])")
                .param(eventIds.stream()
                        .map(UUID::toString)
                        .collect(java.util.stream.Collectors.joining(",", "{", "}")))
                .update();
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
                        SELECT c.id, c.subscription_id, c.event_id, c.attempts, e.type, e.payload,
                            ARRAY(SELECT a.address FROM webhook_delivery_address a
                                WHERE a.delivery_id = c.id AND a.status = 'DELIVERED') AS delivered
                        FROM claimed c JOIN webhook_event e ON e.id = c.event_id""")
                .params(at(now), limit, at(leaseUntil))
                .query((rs, row) -> new Claimed(
                        rs.getObject(1, UUID.class),
                        rs.getObject(2, UUID.class),
                        rs.getObject(3, UUID.class),
                        rs.getInt(4),
                        rs.getString(5),
                        rs.getString(6),
                        List.of((String[]) rs.getArray(7).getArray())))
                .list();
    }

    /**
     * Records a batch of attempts in one round trip. A row whose attempt count moved on (claimed
     * again after its lease ran out) is left alone. A refunded attempt gives its count back.
     */
    void record(List<DeliveryResult> results, Instant now) {
        recordAddresses(results, now);
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

    /**
     * Each address's answer, before the delivery's own row: written only while the delivery's
     * attempt count is still the claim's, as the delivery's row is.
     */
    private void recordAddresses(List<DeliveryResult> results, Instant now) {
        record Row(DeliveryResult result, DeliveryResult.AddressResult address) {}
        List<Row> rows = results.stream()
                .flatMap(r -> r.addresses().stream().map(a -> new Row(r, a)))
                .toList();
        if (rows.isEmpty()) {
            return;
        }
        template.batchUpdate("""
                INSERT INTO webhook_delivery_address (delivery_id, address, status, attempts, last_status_code,
                    last_error, delivered_at, updated_at)
                SELECT ?, ?, ?, 1, ?, ?, ?, ? WHERE EXISTS
                    (SELECT 1 FROM webhook_delivery WHERE id = ? AND attempts = ?)
                ON CONFLICT (delivery_id, address) DO UPDATE SET status = EXCLUDED.status,
                    attempts = webhook_delivery_address.attempts + 1, last_status_code = EXCLUDED.last_status_code,
                    last_error = EXCLUDED.last_error,
                    delivered_at = COALESCE(EXCLUDED.delivered_at, webhook_delivery_address.delivered_at),
                    updated_at = EXCLUDED.updated_at""", rows, rows.size(), (ps, row) -> {
            ps.setObject(1, row.result().deliveryId());
            ps.setString(2, row.address().address());
            ps.setString(3, row.address().delivered() ? "DELIVERED" : "FAILED");
            ps.setObject(4, row.address().statusCode(), java.sql.Types.INTEGER);
            ps.setString(5, row.address().error());
            ps.setObject(6, row.address().delivered() ? at(now) : null, java.sql.Types.TIMESTAMP_WITH_TIMEZONE);
            ps.setObject(7, at(now));
            ps.setObject(8, row.result().deliveryId());
            ps.setInt(9, row.result().attempt());
        });
    }

    /**
     * A new attempt of a DEAD or DELIVERED delivery, with the same webhook-id (the event id); to
     * every address again, for a subscription delivered to each.
     */
    boolean redeliver(UUID subscriptionId, UUID deliveryId, Instant now) {
        jdbc.sql("DELETE FROM webhook_delivery_address a USING webhook_delivery d WHERE a.delivery_id = d.id"
                        + " AND d.id = ? AND d.subscription_id = ? AND d.status IN ('DEAD', 'DELIVERED')")
                .params(deliveryId, subscriptionId)
                .update();
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
        List<DeliveryView> views = jdbc.sql("""
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
                        rs.getTimestamp(10).toInstant(),
                        List.of()))
                .list();
        Map<UUID, List<DeliveryView.AddressView>> addresses =
                addressesOf(views.stream().map(DeliveryView::id).toList());
        return views.stream()
                .map(view -> view.withAddresses(addresses.getOrDefault(view.id(), List.of())))
                .toList();
    }

    /** The per-address answers of a page of deliveries, in one query. */
    private Map<UUID, List<DeliveryView.AddressView>> addressesOf(List<UUID> deliveryIds) {
        Map<UUID, List<DeliveryView.AddressView>> byDelivery = new java.util.HashMap<>();
        if (deliveryIds.isEmpty()) {
            return byDelivery;
        }
        jdbc.sql("SELECT delivery_id, address, status, attempts, last_status_code, last_error, delivered_at"
                        + " FROM webhook_delivery_address WHERE delivery_id = ANY(?) ORDER BY address")
                .param(deliveryIds.toArray(UUID[]::new))
                .query(rs -> {
                    byDelivery
                            .computeIfAbsent(rs.getObject(1, UUID.class), id -> new java.util.ArrayList<>())
                            .add(new DeliveryView.AddressView(
                                    rs.getString(2),
                                    rs.getString(3),
                                    rs.getInt(4),
                                    (Integer) rs.getObject(5),
                                    rs.getString(6),
                                    instant(rs.getTimestamp(7))));
                });
        return byDelivery;
    }

    /** When the earliest waiting delivery falls due. */
    /** What waits: how many deliveries, and when the earliest falls due; one aggregate read. */
    Backlog backlog() {
        return jdbc.sql("SELECT count(*), min(d.next_attempt_at) FROM webhook_delivery d JOIN webhook_subscription s"
                        + " ON s.id = d.subscription_id AND s.enabled WHERE d.status IN ('PENDING', 'FAILED')")
                .query((rs, row) -> new Backlog(rs.getLong(1), instant(rs.getTimestamp(2))))
                .single();
    }

    record Backlog(long pending, @Nullable Instant nextDue) {}

    private static java.time.@Nullable OffsetDateTime at(@Nullable Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }

    private static @Nullable Instant instant(java.sql.@Nullable Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }
}
