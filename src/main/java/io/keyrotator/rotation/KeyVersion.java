package io.keyrotator.rotation;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/** One version of a key: its fingerprint and life cycle, never its value. */
public record KeyVersion(
        long id,
        long keyId,
        int version,
        State state,
        @Nullable Long vaultVersion,
        String fingerprint,
        Trigger trigger,
        @Nullable String actor,
        @Nullable String reason,
        @Nullable String failure,
        Instant createdAt,
        @Nullable Instant activateAt,
        @Nullable Instant activatedAt,
        @Nullable Instant validUntil,
        @Nullable Instant retiredAt) {

    public enum State {
        PENDING,
        NEXT,
        CURRENT,
        PREVIOUS,
        RETIRED,
        FAILED
    }

    public enum Trigger {
        REGISTRATION,
        SCHEDULED,
        MANUAL,
        ADOPTED;

        public String id() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
