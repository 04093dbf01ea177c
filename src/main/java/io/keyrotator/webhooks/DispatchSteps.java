package io.keyrotator.webhooks;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
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
        List<DeliveryRecords.NewDelivery> fanned = new ArrayList<>();
        for (DeliveryRecords.Event event : events) {
            enabled.stream()
                    .filter(s -> s.wants(event.type(), event.keyName()))
                    .forEach(s -> fanned.add(new DeliveryRecords.NewDelivery(UUID.randomUUID(), s.id(), event.id())));
        }
        deliveries.insertDeliveries(fanned, clock.instant());
        deliveries.markFanned(events.stream().map(DeliveryRecords.Event::id).toList());
        return events.size();
    }

    @Transactional
    public List<DeliveryRecords.Claimed> claim(int limit, java.time.Duration lease) {
        Instant now = clock.instant();
        return deliveries.claim(now, now.plus(lease), limit);
    }

    /**
     * Fans out up to {@code fanLimit} new events, then claims what is due, in one transaction: the
     * claim sees the deliveries just made, and a pass that finds nothing costs one commit.
     */
    @Transactional
    public Claim fanOutAndClaim(int fanLimit, int claimLimit, java.time.Duration lease) {
        int fanned = fanOut(fanLimit);
        return new Claim(fanned, claim(claimLimit, lease));
    }

    /** What {@link #fanOutAndClaim} did: events fanned out, deliveries claimed. */
    record Claim(int fanned, List<DeliveryRecords.Claimed> claimed) {}

    /** The subscriptions of a claimed batch, read once for the batch. */
    @Transactional(readOnly = true)
    public Map<UUID, Subscription> subscriptionsOf(List<DeliveryRecords.Claimed> claimed) {
        return subscriptions.byIds(
                claimed.stream().map(DeliveryRecords.Claimed::subscriptionId).collect(Collectors.toSet()));
    }

    /**
     * Records a batch's results in one transaction; a 410 Gone also disables its subscription.
     * Should this fail, the claims' leases run out and the batch is sent again (at least once).
     */
    @Transactional
    public void record(List<DeliveryResult> results) {
        deliveries.record(results, clock.instant());
        results.stream()
                .map(DeliveryResult::disableSubscription)
                .filter(java.util.Objects::nonNull)
                .distinct()
                .forEach(id -> subscriptions.disable(id, "gone", clock.instant()));
    }

    @Transactional(readOnly = true)
    public DeliveryRecords.Backlog backlog() {
        return deliveries.backlog();
    }
}
