package io.keyrotator.vault;

import java.time.Instant;
import java.util.Map;

/**
 * One readable KV v2 version. {@code data} holds key material, so {@link #toString()} names the
 * fields but never their values.
 */
public record SecretVersion(
        long version, Instant createdTime, Map<String, Object> data, Map<String, String> customMetadata) {

    public SecretVersion {
        data = JsonValues.copyOf(data);
        customMetadata = Map.copyOf(customMetadata);
    }

    /** The value of a field that is a string, or {@code null} when it is absent or not a string. */
    public @org.jspecify.annotations.Nullable String string(String field) {
        return data.get(field) instanceof String value ? value : null;
    }

    @Override
    public String toString() {
        return "SecretVersion[version=" + version + ", createdTime=" + createdTime + ", fields=" + data.keySet() + "]";
    }
}
