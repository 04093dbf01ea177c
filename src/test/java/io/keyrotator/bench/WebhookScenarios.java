package io.keyrotator.bench;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * Commit to webhook 2xx (the outbox row's {@code created_at}, written in the committing transaction,
 * to the receiver's clock on the same machine), then {@link WebhookFanout}.
 */
final class WebhookScenarios {

    private final BenchStack stack;
    private final Sizes sizes;
    private final Rest rest;

    WebhookScenarios(BenchStack stack, Sizes sizes) {
        this.stack = stack;
        this.sizes = sizes;
        this.rest = new Rest(stack.http, stack.service.port());
    }

    void run(Report report) throws Exception {
        try (Receiver receiver = new Receiver()) {
            latency(report, receiver);
            new WebhookFanout(stack, sizes, rest).run(report, receiver);
        }
    }

    private void latency(Report report, Receiver receiver) throws Exception {
        rest.registerKey("hooked", "PT1H");
        Subscriptions subscriptions = new Subscriptions(rest);
        List<String> subscribed = subscriptions.subscribe(receiver, List.of("hooked"), 1);
        receiver.reset();
        for (int i = 0; i < sizes.webhookRotations(); i++) {
            rest.rotate("hooked");
            Thread.sleep(20);
        }
        Subscriptions.awaitRequests(receiver, sizes.webhookRotations());
        Histogram micros = new Histogram(3);
        Map<String, Instant> arrivals = receiver.firstArrivals();
        createdAt("hooked").forEach((id, created) -> {
            Instant arrived = arrivals.get(id);
            if (arrived != null) {
                micros.recordValue(
                        Math.max(0, Duration.between(created, arrived).toNanos() / 1000));
            }
        });
        subscriptions.unsubscribe(subscribed);
        double p50 = micros.getValueAtPercentile(50) / 1000.0;
        double p99 = micros.getValueAtPercentile(99) / 1000.0;
        report.raw("webhookLatency", Map.of("deliveries", micros.getTotalCount(), "p50Millis", p50, "p99Millis", p99));
        report.row(
                "commit → webhook 2xx at a local receiver",
                "p50, p99 (%d deliveries)".formatted(micros.getTotalCount()),
                "%.1f ms, %.1f ms".formatted(p50, p99),
                "p99 ≤ 100 ms",
                micros.getTotalCount() == sizes.webhookRotations() && p99 <= 100);
    }

    private Map<String, Instant> createdAt(String key) throws Exception {
        Map<String, Instant> created = new LinkedHashMap<>();
        try (Connection connection = stack.connect();
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT id::text, created_at FROM webhook_event"
                        + " WHERE type = 'key.rotated' AND key_name = '" + key + "'")) {
            while (rows.next()) {
                created.put(rows.getString(1), rows.getTimestamp(2).toInstant());
            }
        }
        return created;
    }
}
