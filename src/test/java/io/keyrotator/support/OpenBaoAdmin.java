package io.keyrotator.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

/**
 * A test's administrator client for a real OpenBao (or Vault) server over its HTTP API: mounts,
 * policies, tokens, AppRole, seal. The code under test never uses this; it talks through Spring
 * Vault.
 */
public final class OpenBaoAdmin {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final URI address;
    private final Supplier<String> token;

    OpenBaoAdmin(URI address, Supplier<String> token) {
        this.address = address;
        this.token = token;
    }

    /** Mounts a fresh KV v2 engine at a unique path that starts with {@code prefix}; returns the path. */
    public String newKv2Mount(String prefix) {
        String mount = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
        enableKv2(mount);
        return mount;
    }

    public void enableKv2(String mount) {
        call("POST", "sys/mounts/" + mount, Map.of("type", "kv", "options", Map.of("version", "2")));
    }

    public void disableMount(String mount) {
        call("DELETE", "sys/mounts/" + mount, null);
    }

    public void writePolicy(String name, String hcl) {
        call("PUT", "sys/policies/acl/" + name, Map.of("policy", hcl));
    }

    /** Creates a token that carries only {@code policy} (no default policy). */
    public String createToken(String policy) {
        Map<String, Object> response =
                call("POST", "auth/token/create", Map.of("policies", List.of(policy), "no_default_policy", true));
        @SuppressWarnings("unchecked")
        Map<String, Object> auth = (Map<String, Object>) response.get("auth");
        return (String) auth.get("client_token");
    }

    /** Sends a request with the root token; returns the parsed JSON body (empty for 204). */
    public Map<String, Object> call(String method, String path, @Nullable Object body) {
        return call(method, path, body, Duration.ofSeconds(10));
    }

    /** Like {@link #call(String, String, Object)}, waiting up to {@code timeout} for the answer. */
    public Map<String, Object> call(String method, String path, @Nullable Object body, Duration timeout) {
        HttpResponse<String> response = send(method, path, body, timeout);
        if (response.statusCode() >= 400) {
            throw new IllegalStateException(
                    method + " " + path + " -> HTTP " + response.statusCode() + ": " + response.body());
        }
        return response.body().isBlank() ? Map.of() : JSON.readValue(response.body(), Map.class);
    }

    /** Status of {@code sys/health} (200 active, 503 sealed, 501 uninitialised), 0 when unreachable. */
    int healthStatus(Duration timeout) {
        try {
            return send("GET", "sys/health", null, timeout).statusCode();
        } catch (UncheckedIOException e) {
            return 0;
        }
    }

    private HttpResponse<String> send(String method, String path, @Nullable Object body, Duration timeout) {
        HttpRequest request = HttpRequest.newBuilder(address.resolve("/v1/" + path))
                .timeout(timeout)
                .header("X-Vault-Token", token.get())
                .method(
                        method,
                        body == null
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                .build();
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
