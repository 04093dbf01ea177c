package io.keyrotator.bench;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.HdrHistogram.Histogram;
import tools.jackson.databind.json.JsonMapper;

/**
 * Commit to webhook 2xx (the outbox row's {@code created_at}, written in the committing transaction,
 * to the receiver's clock on the same machine), and fan-out of one rotation to many subscribers
 * against the rate of bare signed POSTs to the same receiver at the dispatcher's concurrency (8).
 */
final class WebhookScenarios {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int DISPATCHER_CONCURRENCY = 8;

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
            fanOut(report, receiver);
        }
    }

    private void latency(Report report, Receiver receiver) throws Exception {
        rest.registerKey("hooked", "PT1H");
        List<String> subscriptions = subscribe(receiver, List.of("hooked"), 1);
        receiver.reset();
        for (int i = 0; i < sizes.webhookRotations(); i++) {
            rest.rotate("hooked");
            Thread.sleep(20);
        }
        awaitRequests(receiver, sizes.webhookRotations());
        Histogram micros = new Histogram(3);
        Map<String, Instant> arrivals = receiver.firstArrivals();
        createdAt("hooked").forEach((id, created) -> {
            Instant arrived = arrivals.get(id);
            if (arrived != null) {
                micros.recordValue(
                        Math.max(0, Duration.between(created, arrived).toNanos() / 1000));
            }
        });
        unsubscribe(subscriptions);
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

    /**
     * The receiver holds its first requests while the rotations run, so the dispatcher is stuck
     * and a backlog of events builds up; from the release on, the rate is the dispatcher's own,
     * not the rate at which rotations produce work. Four keys rotated by four workers keep the
     * hold short of the dispatcher's 10 s timeout.
     */
    private void fanOut(Report report, Receiver receiver) throws Exception {
        List<String> keys = ForcedRotations.register(rest, "fanout", 4);
        int perKey = Math.max(1, sizes.fanoutRotations() / keys.size());
        int deliveries = sizes.fanoutSubscribers() * perKey * keys.size();
        List<String> subscriptions = subscribe(receiver, keys, sizes.fanoutSubscribers());
        receiver.hold();
        Load.run(keys.size(), perKey, w -> () -> rest.rotate(keys.get(w))).requireNoErrors("fan-out rotations");
        receiver.release();
        awaitRequests(receiver, deliveries);
        double rate = receiver.requests() / receiver.busySeconds();
        unsubscribe(subscriptions);
        receiver.reset();
        Load.Figures bare = Load.run(
                        DISPATCHER_CONCURRENCY,
                        Math.max(1, deliveries / DISPATCHER_CONCURRENCY),
                        w -> signedPost(receiver))
                .requireNoErrors("bare signed POSTs");
        report.raw(
                "webhookFanout",
                Map.of(
                        "deliveries", deliveries,
                        "deliveriesPerSecond", Report.round(rate),
                        "bareSignedPosts", Report.figures(bare)));
        report.ratio(
                "fan-out: one rotation to %d subscribers, %d rotations"
                        .formatted(sizes.fanoutSubscribers(), sizes.fanoutRotations()),
                "deliveries/s ÷ bare signed-POST rate (%.0f ÷ %.0f)".formatted(rate, bare.perSecond()),
                rate / bare.perSecond(),
                ">=",
                0.7);
    }

    /** A bare client's delivery: sign the body as Standard Webhooks says, POST it, expect a 2xx. */
    private Load.Operation signedPost(Receiver receiver) {
        byte[] secret = new byte[32];
        new java.security.SecureRandom().nextBytes(secret);
        byte[] body = ("{\"type\":\"key.rotated\",\"timestamp\":\"2026-11-23T08:00:00Z\",\"data\":{\"key\":\"fanout\","
                        + "\"version\":2,\"previousVersion\":1,\"fingerprint\":\"9f2c1a0b4d5e6f70\"}}")
                .getBytes(StandardCharsets.UTF_8);
        URI target = URI.create(receiver.url("/bare"));
        return () -> {
            String id = UUID.randomUUID().toString();
            long timestamp = Instant.now().getEpochSecond();
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            mac.update((id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
            HttpRequest request = HttpRequest.newBuilder(target)
                    .header("webhook-id", id)
                    .header("webhook-timestamp", Long.toString(timestamp))
                    .header("webhook-signature", "v1," + Base64.getEncoder().encodeToString(mac.doFinal(body)))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                    .build();
            int status = stack.http
                    .send(request, HttpResponse.BodyHandlers.discarding())
                    .statusCode();
            if (status / 100 != 2) {
                throw new IllegalStateException("receiver answered " + status);
            }
        };
    }

    private List<String> subscribe(Receiver receiver, List<String> keys, int count) throws Exception {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("url", receiver.url("/" + keys.get(0) + "/" + i));
            body.put("events", List.of("key.rotated"));
            body.put("keys", keys);
            String created = rest.post("/api/v1/webhooks", JSON.writeValueAsString(body), 201);
            ids.add(JSON.readTree(created).path("id").asString());
        }
        return ids;
    }

    private void unsubscribe(List<String> ids) throws Exception {
        for (String id : ids) {
            rest.delete("/api/v1/webhooks/" + id);
        }
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

    private static void awaitRequests(Receiver receiver, long expected) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (receiver.requests() < expected && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        if (receiver.requests() < expected) {
            throw new IllegalStateException("receiver got " + receiver.requests() + " of " + expected + " webhooks");
        }
    }
}
