package io.keyrotator.bench;

import io.keyrotator.support.TestServices;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/**
 * The load generator's client of keyrotator's REST API. Not {@code support.Api}: that one keeps
 * every response for the key-material leak test, which a hundred thousand calls should not fill.
 */
final class Rest {

    private final HttpClient http;
    private final String base;

    Rest(HttpClient http, int port) {
        this.http = http;
        this.base = "http://127.0.0.1:" + port;
    }

    /** POSTs a JSON body; returns the response body, or throws unless the status is {@code expected}. */
    String post(String path, String json, int expected) throws IOException, InterruptedException {
        return send("POST", path, json, expected);
    }

    String get(String path) throws IOException, InterruptedException {
        return send("GET", path, null, 200);
    }

    String delete(String path) throws IOException, InterruptedException {
        return send("DELETE", path, null, 204);
    }

    String registerKey(String name, String overlap) throws IOException, InterruptedException {
        return post(
                "/api/v1/keys",
                "{\"name\":\"%s\",\"rotationPeriod\":\"P30D\",\"overlap\":\"%s\"}".formatted(name, overlap),
                201);
    }

    void rotate(String name) throws IOException, InterruptedException {
        post("/api/v1/keys/" + name + "/rotations", "{\"reason\":\"benchmark\"}", 201);
    }

    private String send(String method, String path, String json, int expected)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .header("Authorization", "Bearer " + TestServices.TOKEN)
                .method(
                        method,
                        json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) {
            request.header("Content-Type", "application/json");
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != expected) {
            // problem+json bodies carry no key material; the status is enough to diagnose
            throw new IOException(method + " " + path + " answered " + response.statusCode());
        }
        return response.body();
    }
}
