package io.keyrotator.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The floor's Vault client: the KV v2 HTTP API through the JDK's client, nothing else. One call per
 * method, the same calls keyrotator's Spring Vault adapter makes.
 */
final class FloorVault {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpClient http;
    private final URI address;
    private final String token;

    FloorVault(HttpClient http, URI address, String token) {
        this.http = http;
        this.address = address;
        this.token = token;
    }

    /** The latest version: {@code data.data} and {@code data.metadata}. */
    JsonNode readLatest(String mount, String path) throws IOException, InterruptedException {
        return send("GET", mount + "/data/" + path, null).path("data");
    }

    /** Writes with check-and-set; returns the new version. */
    long write(String mount, String path, Map<String, Object> data, long cas) throws IOException, InterruptedException {
        JsonNode written = send("POST", mount + "/data/" + path, Map.of("options", Map.of("cas", cas), "data", data));
        return written.path("data").path("version").asLong();
    }

    /** A write without check-and-set: whatever was there is replaced. */
    void overwrite(String mount, String path, Map<String, Object> data) throws IOException, InterruptedException {
        send("POST", mount + "/data/" + path, Map.of("data", data));
    }

    void destroy(String mount, String path, List<Long> versions) throws IOException, InterruptedException {
        send("PUT", mount + "/destroy/" + path, Map.of("versions", versions));
    }

    /** A JSON merge patch of custom_metadata, as keyrotator sends it: null removes an entry. */
    void patchMetadata(String mount, String path, Map<String, Object> custom) throws IOException, InterruptedException {
        Map<String, Object> body = new java.util.HashMap<>();
        body.put("custom_metadata", custom);
        HttpRequest request = HttpRequest.newBuilder(address.resolve("/v1/" + mount + "/metadata/" + path))
                .header("X-Vault-Token", token)
                .header("Content-Type", "application/merge-patch+json")
                .method("PATCH", HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)))
                .build();
        HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() >= 300) {
            throw new IOException("PATCH metadata answered " + response.statusCode());
        }
    }

    private JsonNode send(String method, String path, Object body) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(address.resolve("/v1/" + path))
                .header("X-Vault-Token", token)
                .header("Content-Type", "application/json")
                .method(
                        method,
                        body == null
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)))
                .build();
        HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() >= 300) {
            // Vault's error text never holds secret data, but keep it out of reports anyway
            throw new IOException(method + " " + path + " answered " + response.statusCode());
        }
        return response.body().length == 0 ? JSON.nullNode() : JSON.readTree(response.body());
    }
}
