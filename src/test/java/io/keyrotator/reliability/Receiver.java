package io.keyrotator.reliability;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.extension.Parameters;
import com.github.tomakehurst.wiremock.extension.ServeEventListener;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import io.keyrotator.support.OpenBaoServer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

/**
 * A webhook receiver on a fixed loopback port that can go away ({@link #down()}: connections
 * refused) and come back. It records every delivery it answered 2xx, with its webhook-id.
 */
final class Receiver implements AutoCloseable {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final ConcurrentLinkedQueue<Delivery> received = new ConcurrentLinkedQueue<>();
    private final int port = OpenBaoServer.freePort();
    private @Nullable WireMockServer server;

    Receiver() {
        up();
    }

    String url() {
        return "http://127.0.0.1:" + port + "/hooks";
    }

    synchronized void up() {
        if (server != null) {
            return;
        }
        WireMockServer started = new WireMockServer(options()
                .bindAddress("127.0.0.1")
                .port(port)
                .containerThreads(40)
                .disableRequestJournal()
                .extensions(new Recorder()));
        started.start();
        started.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200)));
        server = started;
    }

    synchronized void down() {
        if (server != null) {
            server.stop();
            server = null;
        }
    }

    List<Delivery> deliveries() {
        return List.copyOf(received);
    }

    @Override
    public void close() {
        down();
    }

    /**
     * One delivery as received: the path it was sent to (one per subscription), its webhook-id,
     * when it arrived ({@link System#nanoTime()}) and, for a JSON body, the event type, key and version.
     */
    record Delivery(
            String path,
            String webhookId,
            long receivedAtNanos,
            @Nullable String type,
            @Nullable String key,
            @Nullable Integer version) {}

    private final class Recorder implements ServeEventListener {

        @Override
        @SuppressWarnings("unchecked")
        public void beforeResponseSent(ServeEvent event, Parameters parameters) {
            String id = event.getRequest().getHeader("webhook-id");
            String path = event.getRequest().getUrl();
            long at = System.nanoTime();
            String body = event.getRequest().getBodyAsString();
            if (body == null || body.isBlank()) {
                received.add(new Delivery(path, id, at, null, null, null));
                return;
            }
            Map<String, Object> json = JSON.readValue(body, Map.class);
            Map<String, Object> data = (Map<String, Object>) json.getOrDefault("data", Map.of());
            received.add(new Delivery(
                    path,
                    id,
                    at,
                    (String) json.get("type"),
                    (String) data.get("key"),
                    data.get("version") instanceof Number n ? n.intValue() : null));
        }

        @Override
        public String getName() {
            return "recorder";
        }
    }
}
