package io.keyrotator.webhooks;

import io.keyrotator.logging.LogMask;
import io.keyrotator.vault.KvPath;
import io.keyrotator.vault.SecretStore;
import io.keyrotator.vault.SecretVersion;
import io.keyrotator.vault.VaultProperties;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;

/**
 * Signing secrets and receiver credentials, kept in Vault
 * (docs/architecture.md#invariant-6-key-material-goes-to-vault-only) at
 * {@code <mount>/<secrets-path>/<subscription id>}, cached in memory per secret generation so a
 * delivery costs no Vault call.
 */
@Component
class WebhookSecrets {

    private final SecretStore store;
    private final VaultProperties vault;
    private final WebhookProperties properties;
    private final Clock clock;
    private final Map<UUID, Cached> cache = new ConcurrentHashMap<>();

    WebhookSecrets(SecretStore store, VaultProperties vault, WebhookProperties properties, Clock clock) {
        this.store = store;
        this.vault = vault;
        this.properties = properties;
        this.clock = clock;
    }

    /** What a delivery needs: every secret that signs now, and the Authorization header if any. */
    record Material(List<String> signingSecrets, @Nullable String authorization) {

        @Override
        public String toString() {
            return "Material[secrets=" + signingSecrets.size() + ", authorization=" + (authorization != null) + "]";
        }
    }

    void create(UUID id, String secret, @Nullable String authorization) {
        masked(secret, authorization);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("secret", secret);
        if (authorization != null) {
            data.put("authorization", authorization);
        }
        store.write(path(id), data, 0);
    }

    /** A new signing secret; the old one keeps signing for {@code secret-overlap}. */
    void rotate(UUID id, String secret) {
        masked(secret, null);
        SecretVersion current = current(id);
        Map<String, Object> data = new LinkedHashMap<>(current.data());
        data.put("previous_secret", current.data().get("secret"));
        data.put(
                "previous_valid_until",
                clock.instant().plus(properties.secretOverlap()).toString());
        data.put("secret", secret);
        store.write(path(id), data, current.version());
        cache.remove(id);
    }

    void setAuthorization(UUID id, @Nullable String authorization) {
        masked(null, authorization);
        SecretVersion current = current(id);
        Map<String, Object> data = new LinkedHashMap<>(current.data());
        if (authorization == null || authorization.isEmpty()) {
            data.remove("authorization");
        } else {
            data.put("authorization", authorization);
        }
        store.write(path(id), data, current.version());
        cache.remove(id);
    }

    void delete(UUID id) {
        store.deleteAll(path(id));
        cache.remove(id);
    }

    Material material(UUID id, int generation) {
        Cached cached = cache.get(id);
        if (cached == null
                || cached.generation() != generation
                || cached.expires().isBefore(clock.instant())) {
            cached = load(id, generation);
            cache.put(id, cached);
        }
        return cached.material();
    }

    private Cached load(UUID id, int generation) {
        Map<String, Object> data = current(id).data();
        List<String> secrets = new ArrayList<>();
        secrets.add((String) data.get("secret"));
        Instant expires = clock.instant().plus(java.time.Duration.ofMinutes(5));
        if (data.get("previous_secret") instanceof String previous
                && data.get("previous_valid_until") instanceof String until
                && Instant.parse(until).isAfter(clock.instant())) {
            secrets.add(previous);
            expires = Instant.parse(until).isBefore(expires) ? Instant.parse(until) : expires;
        }
        String authorization = (String) data.get("authorization");
        secrets.forEach(secret -> masked(secret, null));
        masked(null, authorization);
        return new Cached(generation, new Material(secrets, authorization), expires);
    }

    /** Whatever a library might print, these values are masked in the logs from now on. */
    private static void masked(@Nullable String secret, @Nullable String authorization) {
        if (secret != null) {
            LogMask.secret(secret);
        }
        if (authorization != null) {
            LogMask.secret(authorization);
            int space = authorization.indexOf(' ');
            if (space > 0) {
                LogMask.secret(authorization.substring(space + 1));
            }
        }
    }

    private SecretVersion current(UUID id) {
        return store.read(path(id), SecretStore.LATEST)
                .orElseThrow(() -> new IllegalStateException("signing secret of webhook " + id + " missing in Vault"));
    }

    private KvPath path(UUID id) {
        return KvPath.of(vault.mount(), properties.secretsPath() + "/" + id);
    }

    private record Cached(int generation, Material material, Instant expires) {}
}
