package io.keyrotator.bench;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Fan-out of rotations to many subscribers against the rate of bare signed POSTs to the same
 * receiver at the dispatcher's concurrency (8).
 */
final class WebhookFanout {

    private static final int DISPATCHER_CONCURRENCY = 8;

    private final BenchStack stack;
    private final Sizes sizes;
    private final Rest rest;
    private final Subscriptions subscriptions;

    WebhookFanout(BenchStack stack, Sizes sizes, Rest rest) {
        this.stack = stack;
        this.sizes = sizes;
        this.rest = rest;
        this.subscriptions = new Subscriptions(rest);
    }

    /**
     * The receiver holds its first requests while the rotations run, so the dispatcher is stuck
     * and a backlog of events builds up; from the release on, the rate is the dispatcher's own,
     * not the rate at which rotations produce work. Four keys rotated by four workers keep the
     * hold short of the dispatcher's 10 s timeout.
     */
    void run(Report report, Receiver receiver) throws Exception {
        List<String> keys = ForcedRotations.register(rest, "fanout", 4);
        int perKey = Math.max(1, sizes.fanoutRotations() / keys.size());
        int deliveries = sizes.fanoutSubscribers() * perKey * keys.size();
        List<String> subscribed = subscriptions.subscribe(receiver, keys, sizes.fanoutSubscribers());
        receiver.hold();
        Load.run(keys.size(), perKey, w -> () -> rest.rotate(keys.get(w))).requireNoErrors("fan-out rotations");
        CpuPerOperation cpu = CpuPerOperation.start(stack);
        receiver.release();
        Subscriptions.awaitRequests(receiver, deliveries);
        double rate = receiver.requests() / receiver.busySeconds();
        Map<String, Double> cpuPerDelivery = cpu.stop(deliveries);
        subscriptions.unsubscribe(subscribed);
        receiver.reset();
        CpuPerOperation bareCpu = CpuPerOperation.start(stack);
        Load.Figures bare = Load.run(
                        DISPATCHER_CONCURRENCY,
                        Math.max(1, deliveries / DISPATCHER_CONCURRENCY),
                        w -> signedPost(receiver))
                .requireNoErrors("bare signed POSTs");
        Map<String, Double> cpuPerBarePost = bareCpu.stop(bare.operations());
        report.raw(
                "webhookFanout",
                Map.of(
                        "deliveries", deliveries,
                        "deliveriesPerSecond", Report.round(rate),
                        "bareSignedPosts", Report.figures(bare),
                        "cpuMillisPerDelivery", cpuPerDelivery,
                        "cpuMillisPerBarePost", cpuPerBarePost));
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
}
