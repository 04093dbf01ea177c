package io.keyrotator.webhooks;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/** The dispatcher's short transactions; no HTTP call happens in any of them. */
@Component
class DispatchSteps {

    private final DeliveryRecords deliveries;
    private final SubscriptionRecords subscriptions;
    private final Clock clock;

    DispatchSteps(DeliveryRecords deliveries, SubscriptionRecords subscriptions, Clock clock) {
        this.deliveries = deliveries;
        this.subscriptions = subscriptions;
        this.clock = clock;
    }

    /** Turns new outbox events into one delivery per interested subscription. */
    @Transactional
    public int fanOut(int limit) {
        List<DeliveryRecords.Event> events = deliveries.unfanned(limit);
        if (events.isEmpty()) {
            return 0;
        }
        List<Subscription> enabled = subscriptions.enabled();
        Instant now = clock.instant();
        for (DeliveryRecords.Event event : events) {
            enabled.stream()
                    .filter(s -> s.wants(event.type(), event.keyName()))
                    .forEach(s -> deliveries.insertDelivery(UUID.randomUUID(), s.id(), event.id(), now));
            deliveries.markFanned(event.id());
        }
        return events.size();
    }

    @Transactional
    public List<DeliveryRecords.Claimed> claim(int limit, java.time.Duration lease) {
        Instant now = clock.instant();
        return deliveries.claim(now, now.plus(lease), limit);
    }

    @Transactional
    public void delivered(UUID deliveryId, int attempt, int status) {
        deliveries.delivered(deliveryId, attempt, status, clock.instant());
    }

    @Transactional
    public void failed(UUID deliveryId, int attempt, @Nullable Integer status, String error, Instant nextAttempt) {
        deliveries.failed(deliveryId, attempt, status, error, nextAttempt);
    }

    /** The last attempt failed, or the receiver said 410 Gone (which also disables the subscription). */
    @Transactional
    public void dead(
            UUID deliveryId, int attempt, @Nullable Integer status, String error, @Nullable UUID disableSubscription) {
        deliveries.dead(deliveryId, attempt, status, error);
        if (disableSubscription != null) {
            subscriptions.disable(disableSubscription, "gone", clock.instant());
        }
    }

    @Transactional(readOnly = true)
    public java.util.Optional<Instant> nextDue() {
        return deliveries.nextDue();
    }

    @Transactional(readOnly = true)
    public long pending() {
        return deliveries.pending();
    }
}
