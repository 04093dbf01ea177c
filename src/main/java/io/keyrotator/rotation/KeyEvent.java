package io.keyrotator.rotation;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * What the rotation protocol tells the rest of the service, published synchronously inside the
 * transaction that makes the change. A listener that records it (the webhooks' outbox) must join
 * that transaction, so the notification commits with the change or not at all
 * (docs/architecture.md#invariant-5-no-lost-notification). Versions and fingerprints, never key
 * material.
 */
public sealed interface KeyEvent {

    String key();

    /** The state of a key after a confirmed write, as every write event reports it. */
    record Snapshot(
            String key,
            @Nullable Integer version,
            @Nullable Integer previousVersion,
            @Nullable String fingerprint,
            String vaultMount,
            String vaultPath,
            long vaultVersion,
            @Nullable Instant previousValidUntil,
            @Nullable Instant nextActiveAt,
            @Nullable String trigger,
            Instant rotatedAt) {}

    /** A new key is current: {@code key.rotated}. */
    record Rotated(Snapshot snapshot) implements KeyEvent {
        public String key() {
            return snapshot.key();
        }
    }

    /** A next key was published ahead of its activation: {@code key.next_published}. */
    record NextPublished(Snapshot snapshot) implements KeyEvent {
        public String key() {
            return snapshot.key();
        }
    }

    /** A previous key stopped being valid: {@code key.previous_expired}. */
    record PreviousExpired(Snapshot snapshot) implements KeyEvent {
        public String key() {
            return snapshot.key();
        }
    }

    /**
     * A gated promotion or overlap close reached its timeout with instances still behind:
     * {@code key.promotion_delayed}, once per version. {@code outcome} says what happens now:
     * {@code promote} or {@code close} without them, or {@code hold} until they catch up or drop out.
     */
    record PromotionDelayed(
            String key,
            String step,
            int version,
            int awaitedVersion,
            String outcome,
            Instant dueAt,
            java.time.Duration timeout,
            java.util.List<Behind> behind,
            Instant at)
            implements KeyEvent {

        public PromotionDelayed {
            behind = java.util.List.copyOf(behind);
        }

        /** An instance that holds less than the awaited version. */
        public record Behind(String consumer, String instance, int version) {}
    }

    /**
     * A leak of one of the key's values was reported: {@code key.leaked}, once per leaked version,
     * when keyrotator has done what it does about it ({@code outcome} ROTATED, NOTIFIED or
     * ALREADY_INVALID).
     */
    record Leaked(
            String key,
            int version,
            String fingerprint,
            String leakId,
            String outcome,
            @Nullable String source,
            Instant reportedAt,
            @Nullable Instant invalidatedAt)
            implements KeyEvent {}

    /** A write failed or found a conflict: {@code key.rotation_failed}. */
    record RotationFailed(
            String key,
            @Nullable Integer version,
            @Nullable String trigger,
            String reason,
            String vaultMount,
            String vaultPath)
            implements KeyEvent {}
}
