package io.keyrotator.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

/** A small client of keyrotator's REST API for tests, sending a bearer token. */
public final class Api {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final java.util.Queue<String> BODIES = new java.util.concurrent.ConcurrentLinkedQueue<>();

    private final HttpClient http = HttpClient.newHttpClient();
    private final String base;
    private final @Nullable String token;

    public Api(int port, @Nullable String token) {
        this.base = "http://127.0.0.1:" + port;
        this.token = token;
    }

    public Api withToken(@Nullable String other) {
        return new Api(Integer.parseInt(base.substring(base.lastIndexOf(':') + 1)), other);
    }

    public Response get(String path) {
        return send("GET", path, null);
    }

    public Response post(String path, @Nullable Object body, String... headers) {
        return send("POST", path, body, headers);
    }

    public Response put(String path, Object body) {
        return send("PUT", path, body);
    }

    public Response patch(String path, Object body) {
        return send("PATCH", path, body, "Content-Type", "application/merge-patch+json");
    }

    public Response delete(String path) {
        return send("DELETE", path, null);
    }

    public Response send(String method, String path, @Nullable Object body, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .method(
                        method,
                        body == null
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofString(
                                        body instanceof String s ? s : JSON.writeValueAsString(body)));
        if (body != null && !List.of(headers).contains("Content-Type")) {
            request.header("Content-Type", "application/json");
        }
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        for (int i = 0; i + 1 < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            BODIES.add(response.headers().map() + "\n" + response.body());
            return new Response(response.statusCode(), response.headers().map(), response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Headers and body of every response any test received through this client. */
    public static List<String> responses() {
        return List.copyOf(BODIES);
    }

    public record Response(int status, Map<String, List<String>> headers, String body) {

        @SuppressWarnings("unchecked")
        public Map<String, Object> json() {
            return JSON.readValue(body, Map.class);
        }

        @SuppressWarnings("unchecked")
        public List<Map<String, Object>> jsonList() {
            return JSON.readValue(body, List.class);
        }

        public @Nullable String header(String name) {
            return headers.entrySet().stream()
                    .filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().get(0))
                    .findFirst()
                    .orElse(null);
        }

        @Override
        public String toString() {
            return status + " " + body;
        }
    }
}
