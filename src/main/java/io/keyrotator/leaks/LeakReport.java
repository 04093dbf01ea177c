package io.keyrotator.leaks;

import java.time.Instant;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * A leak record, as {@code /api/v1/leaks} returns it (docs/contract.md#leaks). {@code key} and
 * {@code version} are null for a value keyrotator does not manage; {@code invalidatedAt} is when
 * the value stopped being valid, {@code destroyedAt} when keyrotator saw every KV version holding it
 * destroyed.
 */
record LeakReport(
        UUID id,
        Outcome outcome,
        @Nullable String key,
        @Nullable Integer version,
        @Nullable String source,
        @Nullable String reason,
        String reporter,
        Instant reportedAt,
        @Nullable Instant invalidatedAt,
        @Nullable Instant destroyedAt) {

    enum Outcome {
        /** Live when reported; its emergency rotation has not confirmed yet. */
        PENDING,
        ROTATED,
        NOTIFIED,
        ALREADY_INVALID,
        UNKNOWN
    }

    record LeakPage(java.util.List<LeakReport> items, int offset, int limit) {}
}
