package io.keyrotator.webhooks;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * What one attempt of a delivery came to, as the dispatcher records it with the rest of its batch.
 *
 * @param attempt the attempt count the claim set; the write is ignored when another claim moved on
 * @param deliveredAt set for DELIVERED only
 * @param nextAttemptAt set for FAILED only
 * @param disableSubscription set when the receiver answered 410 Gone
 * @param refunded the attempt is given back: keyrotator could not sign (Vault unavailable), so the
 *     receiver was never asked and its retry budget is not spent
 * @param addresses for a subscription delivered to every address: what each address sent to in
 *     this attempt answered (empty otherwise)
 */
record DeliveryResult(
        UUID deliveryId,
        int attempt,
        String status,
        @Nullable Integer statusCode,
        @Nullable String error,
        @Nullable Instant deliveredAt,
        @Nullable Instant nextAttemptAt,
        @Nullable UUID disableSubscription,
        boolean refunded,
        List<AddressResult> addresses) {

    /** What one address answered. */
    record AddressResult(
            String address,
            boolean delivered,
            @Nullable Integer statusCode,
            @Nullable String error) {}

    DeliveryResult {
        addresses = List.copyOf(addresses);
    }

    DeliveryResult withAddresses(List<AddressResult> results) {
        return new DeliveryResult(
                deliveryId,
                attempt,
                status,
                statusCode,
                error,
                deliveredAt,
                nextAttemptAt,
                disableSubscription,
                refunded,
                results);
    }

    static DeliveryResult delivered(DeliveryRecords.Claimed delivery, @Nullable Integer statusCode, Instant at) {
        return new DeliveryResult(
                delivery.id(), delivery.attempts(), "DELIVERED", statusCode, null, at, null, null, false, List.of());
    }

    static DeliveryResult failed(
            DeliveryRecords.Claimed delivery, @Nullable Integer statusCode, @Nullable String error, Instant next) {
        return new DeliveryResult(
                delivery.id(), delivery.attempts(), "FAILED", statusCode, error, null, next, null, false, List.of());
    }

    static DeliveryResult dead(
            DeliveryRecords.Claimed delivery,
            @Nullable Integer statusCode,
            @Nullable String error,
            @Nullable UUID disableSubscription) {
        return new DeliveryResult(
                delivery.id(),
                delivery.attempts(),
                "DEAD",
                statusCode,
                error,
                null,
                null,
                disableSubscription,
                false,
                List.of());
    }

    /** Not sent, because keyrotator itself could not sign: tried again later, the attempt given back. */
    static DeliveryResult postponed(DeliveryRecords.Claimed delivery, String error, Instant next) {
        return new DeliveryResult(
                delivery.id(), delivery.attempts(), "FAILED", null, error, null, next, null, true, List.of());
    }

    /** The {@code outcome} tag of {@code keyrotator_webhook_attempts}. */
    String metricOutcome() {
        if (refunded) {
            return "postponed";
        }
        return switch (status) {
            case "DELIVERED" -> "delivered";
            case "FAILED" -> "retried";
            default -> "dead";
        };
    }
}
