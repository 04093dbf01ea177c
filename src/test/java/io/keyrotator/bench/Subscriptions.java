package io.keyrotator.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/** Webhook subscriptions of the benchmark, all pointing at one local {@link Receiver}. */
final class Subscriptions {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Rest rest;

    Subscriptions(Rest rest) {
        this.rest = rest;
    }

    List<String> subscribe(Receiver receiver, List<String> keys, int count) throws Exception {
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

    void unsubscribe(List<String> ids) throws Exception {
        for (String id : ids) {
            rest.delete("/api/v1/webhooks/" + id);
        }
    }

    static void awaitRequests(Receiver receiver, long expected) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (receiver.requests() < expected && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        if (receiver.requests() < expected) {
            throw new IllegalStateException("receiver got " + receiver.requests() + " of " + expected + " webhooks");
        }
    }
}
