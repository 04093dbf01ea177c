package io.keyrotator.webhooks;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.springframework.stereotype.Component;

/**
 * One attempt of one delivery: re-check the receiver's address, sign, POST, and record the
 * outcome. 2xx delivers; 410 Gone kills the delivery and disables the subscription; anything else
 * is retried after the next delay of the schedule (with jitter, or later when the receiver sent
 * Retry-After) until the schedule runs out and the delivery is DEAD.
 */
@Component
class DeliveryAttempt {

    private final SubscriptionRecords subscriptions;
    private final WebhookSecrets secrets;
    private final DispatchSteps steps;
    private final SsrfGuard guard;
    private final HttpSender sender;
    private final WebhookMetrics metrics;
    private final WebhookProperties properties;
    private final Clock clock;

    DeliveryAttempt(
            SubscriptionRecords subscriptions,
            WebhookSecrets secrets,
            DispatchSteps steps,
            SsrfGuard guard,
            HttpSender sender,
            WebhookMetrics metrics,
            WebhookProperties properties,
            Clock clock) {
        this.subscriptions = subscriptions;
        this.secrets = secrets;
        this.steps = steps;
        this.guard = guard;
        this.sender = sender;
        this.metrics = metrics;
        this.properties = properties;
        this.clock = clock;
    }

    void deliver(DeliveryRecords.Claimed delivery) {
        long started = System.nanoTime();
        Optional<Subscription> subscription = subscriptions.find(delivery.subscriptionId());
        if (subscription.isEmpty()) {
            return;
        }
        HttpSender.Outcome outcome = guard.refusal(subscription.get().url()).isPresent()
                ? new HttpSender.Outcome(0, null, "address-refused")
                : send(subscription.get(), delivery);
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        if (outcome.delivered()) {
            steps.delivered(delivery.id(), delivery.attempts(), outcome.status());
            metrics.attempt(took, "delivered");
        } else if (outcome.status() == 410) {
            steps.dead(
                    delivery.id(),
                    delivery.attempts(),
                    410,
                    "gone",
                    subscription.get().id());
            metrics.attempt(took, "dead");
        } else if (delivery.attempts() > properties.retryDelays().size()) {
            steps.dead(delivery.id(), delivery.attempts(), status(outcome), outcome.error(), null);
            metrics.attempt(took, "dead");
        } else {
            steps.failed(
                    delivery.id(),
                    delivery.attempts(),
                    status(outcome),
                    outcome.error(),
                    nextAttempt(delivery, outcome));
            metrics.attempt(took, "retried");
        }
    }

    private HttpSender.Outcome send(Subscription subscription, DeliveryRecords.Claimed delivery) {
        WebhookSecrets.Material material = secrets.material(subscription.id(), subscription.secretGeneration());
        byte[] body = subscription.format().equals("standard")
                ? delivery.payload().getBytes(StandardCharsets.UTF_8)
                : new byte[0];
        long timestamp = clock.instant().getEpochSecond();
        String id = delivery.eventId().toString();
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        headers.put("User-Agent", "keyrotator-webhooks");
        headers.put("webhook-id", id);
        headers.put("webhook-timestamp", Long.toString(timestamp));
        headers.put("webhook-signature", Signer.signatures(material.signingSecrets(), id, timestamp, body));
        if (material.authorization() != null) {
            headers.put("Authorization", material.authorization());
        }
        return sender.post(URI.create(subscription.url().toString()), headers, body);
    }

    private Instant nextAttempt(DeliveryRecords.Claimed delivery, HttpSender.Outcome outcome) {
        Duration delay = properties.retryDelays().get(delivery.attempts() - 1);
        long jitter = delay.toMillis() / 10;
        delay = delay.plusMillis(jitter == 0 ? 0 : ThreadLocalRandom.current().nextLong(-jitter, jitter + 1));
        if (outcome.retryAfter() != null && outcome.retryAfter().compareTo(delay) > 0) {
            delay = outcome.retryAfter();
        }
        return clock.instant().plus(delay);
    }

    private static Integer status(HttpSender.Outcome outcome) {
        return outcome.status() == 0 ? null : outcome.status();
    }
}
