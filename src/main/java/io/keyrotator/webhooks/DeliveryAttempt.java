package io.keyrotator.webhooks;

import io.keyrotator.vault.SecretStoreUnavailableException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;

/**
 * One attempt of one delivery: re-check the receiver's address, sign, POST (to each of the host's
 * addresses for a subscription delivered to every address, {@link EveryAddress}), and decide what to
 * record. 2xx delivers; 410 Gone kills the delivery and disables the subscription; anything else
 * is retried after the next delay of the schedule (with jitter, or later when the receiver sent
 * Retry-After) until the schedule runs out and the delivery is DEAD.
 */
@Component
class DeliveryAttempt {

    private final WebhookSecrets secrets;
    private final SsrfGuard guard;
    private final HttpSender sender;
    private final EveryAddress everyAddress;
    private final WebhookMetrics metrics;
    private final WebhookProperties properties;
    private final Clock clock;

    DeliveryAttempt(
            WebhookSecrets secrets,
            SsrfGuard guard,
            HttpSender sender,
            EveryAddress everyAddress,
            WebhookMetrics metrics,
            WebhookProperties properties,
            Clock clock) {
        this.secrets = secrets;
        this.guard = guard;
        this.sender = sender;
        this.everyAddress = everyAddress;
        this.metrics = metrics;
        this.properties = properties;
        this.clock = clock;
    }

    /**
     * Sends one claimed delivery and says what to record; nothing is written here, the dispatcher
     * records a batch's results in one transaction. Null when the subscription is gone.
     */
    @Nullable
    DeliveryResult deliver(DeliveryRecords.Claimed delivery, @Nullable Subscription subscription) {
        if (subscription == null) {
            return null;
        }
        long started = System.nanoTime();
        HttpSender.Outcome outcome;
        List<DeliveryResult.AddressResult> perAddress = List.of();
        try {
            if (subscription.toEveryAddress()) {
                EveryAddress.Sent sent =
                        everyAddress.send(subscription.url(), delivery, signer(subscription, delivery));
                outcome = sent.outcome();
                perAddress = sent.addresses();
            } else {
                outcome = guard.refusal(subscription.url()).isPresent()
                        ? new HttpSender.Outcome(0, null, "address-refused")
                        : send(subscription, delivery);
            }
        } catch (SecretStoreUnavailableException e) {
            // keyrotator's own outage: the receiver was never asked, so its retry budget is not spent
            DeliveryResult postponed = DeliveryResult.postponed(
                    delivery,
                    "not sent: Vault unavailable",
                    clock.instant().plus(properties.retryDelays().getFirst()));
            metrics.attempt(Duration.ofNanos(System.nanoTime() - started), postponed.metricOutcome());
            return postponed;
        } catch (RuntimeException e) {
            // recorded as a failed attempt, so a delivery that can never be signed ends DEAD, not
            // claimed again forever
            outcome =
                    new HttpSender.Outcome(0, null, "not sent: " + e.getClass().getSimpleName());
        }
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        DeliveryResult result;
        if (outcome.delivered()) {
            result = DeliveryResult.delivered(delivery, status(outcome), clock.instant());
        } else if (outcome.status() == 410) {
            result = DeliveryResult.dead(delivery, 410, "gone", subscription.id());
        } else if (delivery.attempts() > properties.retryDelays().size()) {
            result = DeliveryResult.dead(delivery, status(outcome), outcome.error(), null);
        } else {
            result = DeliveryResult.failed(delivery, status(outcome), outcome.error(), nextAttempt(delivery, outcome));
        }
        metrics.attempt(took, result.metricOutcome());
        return result.withAddresses(perAddress);
    }

    private HttpSender.Outcome send(Subscription subscription, DeliveryRecords.Claimed delivery) {
        return signer(subscription, delivery)
                .post(sender, URI.create(subscription.url().toString()), null);
    }

    /** The signed request; reading the signing secrets may throw, before anything is sent. */
    private EveryAddress.Request signer(Subscription subscription, DeliveryRecords.Claimed delivery) {
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
        return new EveryAddress.Request(headers, body);
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
