package io.keyrotator.rotation.protocol;

import io.keyrotator.rotation.ManagedKey;
import io.keyrotator.vault.SecretVersion;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Builds the data of each KV version keyrotator writes (docs/contract.md#data-fields). Fields it does not own
 * are carried over unchanged from the version it replaces.
 */
public final class VaultPayloads {

    private VaultPayloads() {}

    /** A rotation: a new {@code api_key}; the old one stays as {@code previous_api_key} until the window closes. */
    public static Map<String, Object> rotation(
            @Nullable SecretVersion latest,
            ManagedKey key,
            KeyMaterial fresh,
            int version,
            @Nullable Instant previousValidUntil,
            Instant now) {
        ManagedKey.Fields fields = key.fields();
        Map<String, Object> data = carried(latest, key);
        data.put(fields.current(), fresh.reveal());
        String old = latest == null ? null : latest.string(fields.current());
        if (old != null && previousValidUntil != null) {
            data.put(fields.previous(), old);
            data.put("previous_expires_at", rfc3339(key.promotion().latestClose(previousValidUntil)));
        }
        data.put("key_version", version);
        data.put("rotated_at", rfc3339(now));
        return data;
    }

    /**
     * The first write of publish-ahead: the current key stays, the next one is announced with its
     * version, which is what a consumer acknowledges once it holds it.
     */
    static Map<String, Object> publish(
            SecretVersion latest, ManagedKey key, KeyMaterial fresh, int version, Instant activeAt) {
        Map<String, Object> data = withoutPrevious(latest, key);
        data.put(key.fields().next(), fresh.reveal());
        data.put("next_active_at", rfc3339(activeAt));
        data.put("next_key_version", version);
        return data;
    }

    /** The second write of publish-ahead: the published key becomes {@code api_key}. */
    static Map<String, Object> promotion(
            SecretVersion latest, ManagedKey key, int version, @Nullable Instant previousValidUntil, Instant now) {
        ManagedKey.Fields fields = key.fields();
        String next = java.util.Objects.requireNonNull(latest.string(fields.next()));
        Map<String, Object> data = rotation(latest, key, KeyMaterial.of(next), version, previousValidUntil, now);
        return data;
    }

    /** The overlap closes: same {@code api_key} and {@code key_version}, no {@code previous_*}. */
    public static Map<String, Object> withoutPrevious(SecretVersion latest, ManagedKey key) {
        Map<String, Object> data = new LinkedHashMap<>(latest.data());
        data.remove(key.fields().previous());
        data.remove("previous_expires_at");
        return data;
    }

    static String rfc3339(Instant instant) {
        return instant.truncatedTo(ChronoUnit.SECONDS).toString();
    }

    private static Map<String, Object> carried(@Nullable SecretVersion latest, ManagedKey key) {
        Map<String, Object> data = new LinkedHashMap<>(latest == null ? Map.of() : latest.data());
        key.fields().owned().forEach(data::remove);
        return data;
    }
}
