package io.keyrotator.rotation;

import io.keyrotator.vault.KvPath;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** A row of the key catalogue: a key's settings and its rotation schedule. */
public record ManagedKey(
        long id,
        String name,
        KvPath vaultPath,
        String vaultField,
        GeneratorSpec generator,
        Duration rotationPeriod,
        Duration overlap,
        Duration publishAhead,
        Promotion promotion,
        OnLeak onLeak,
        Map<String, String> labels,
        KeyState state,
        long lastVaultVersion,
        @Nullable Instant lastRotatedAt,
        @Nullable Instant nextRotationAt,
        @Nullable Instant nextAttemptAt,
        @Nullable Instant lastFailureAt,
        @Nullable String lastFailureReason,
        int failureCount,
        boolean declared,
        Instant createdAt,
        Instant updatedAt) {

    public enum KeyState {
        ACTIVE,
        PAUSED,
        CONFLICT
    }

    /** The KV v2 field names keyrotator owns in this key's secret (docs/contract.md#data-fields). */
    public Fields fields() {
        return new Fields(vaultField);
    }

    public record Fields(String current) {

        public String previous() {
            return "previous_" + current;
        }

        public String next() {
            return "next_" + current;
        }

        public java.util.List<String> owned() {
            return java.util.List.of(
                    current,
                    previous(),
                    "previous_expires_at",
                    "key_version",
                    "rotated_at",
                    next(),
                    "next_active_at",
                    "next_key_version");
        }
    }
}
