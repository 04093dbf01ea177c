package io.keyrotator.webhooks;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * One delivery as {@code GET /api/v1/webhooks/{id}/deliveries} shows it; {@code addresses} for a
 * subscription delivered to every address (absent otherwise).
 */
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
        Instant createdAt,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<AddressView> addresses) {

    /** What one of the host's addresses answered, over every attempt. */
    record AddressView(
            String address,
            String status,
            int attempts,
            @Nullable Integer lastStatusCode,
            @Nullable String lastError,
            @Nullable Instant deliveredAt) {}

    DeliveryView withAddresses(List<AddressView> list) {
        return new DeliveryView(
                id,
                eventId,
                type,
                status,
                attempts,
                lastStatusCode,
                lastError,
                nextAttemptAt,
                deliveredAt,
                createdAt,
                List.copyOf(list));
    }
}
