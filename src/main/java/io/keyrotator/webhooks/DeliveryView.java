package io.keyrotator.webhooks;

import java.time.Instant;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/** One delivery as {@code GET /api/v1/webhooks/{id}/deliveries} shows it. */
record DeliveryView(
        UUID id,
        UUID eventId,
        String type,
        String status,
        int attempts,
        @Nullable Integer lastStatusCode,
        @Nullable String lastError,
        @Nullable Instant nextAttemptAt,
        @Nullable Instant deliveredAt,
        Instant createdAt) {}
