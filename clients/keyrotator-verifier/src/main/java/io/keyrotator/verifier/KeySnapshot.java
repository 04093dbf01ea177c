package io.keyrotator.verifier;

import java.time.Instant;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One KV version of a key as keyrotator writes it (its data fields), read as a whole and swapped
 * as a whole, so that no check ever sees half of one version and half of the next.
 *
 * @param version keyrotator's {@code key_version} of {@code current}
 * @param nextVersion {@code next_key_version}, while a published key waits to become current
 * @param vaultVersion the KV version it was read from
 */
record KeySnapshot(
        String current,
        @Nullable String next,
        @Nullable String previous,
        @Nullable Instant previousExpiresAt,
        int version,
        @Nullable Integer nextVersion,
        long vaultVersion) {

    static KeySnapshot of(Map<String, Object> data, String field, long vaultVersion) {
        Object current = data.get(field);
        if (!(current instanceof String key) || key.isEmpty()) {
            throw new IllegalStateException("the secret holds no " + field);
        }
        return new KeySnapshot(
                key,
                text(data.get("next_" + field)),
                text(data.get("previous_" + field)),
                instant(data.get("previous_expires_at")),
                number(data.get("key_version"), 0),
                data.containsKey("next_key_version") ? number(data.get("next_key_version"), 0) : null,
                vaultVersion);
    }

    /** The newest version this snapshot lets its holder accept: what it acknowledges. */
    int heldVersion() {
        return next != null && nextVersion != null ? Math.max(version, nextVersion) : version;
    }

    @Override
    public String toString() {
        // never the keys themselves
        return "KeySnapshot[version=" + version + ", nextVersion=" + nextVersion + ", vaultVersion=" + vaultVersion
                + "]";
    }

    private static @Nullable String text(@Nullable Object value) {
        return value instanceof String s && !s.isEmpty() ? s : null;
    }

    private static @Nullable Instant instant(@Nullable Object value) {
        return value instanceof String s && !s.isEmpty() ? Instant.parse(s) : null;
    }

    private static int number(@Nullable Object value, int fallback) {
        if (value instanceof Number n) {
            return n.intValue();
        }
        if (value instanceof String s && !s.isEmpty()) {
            return Integer.parseInt(s);
        }
        return fallback;
    }
}
