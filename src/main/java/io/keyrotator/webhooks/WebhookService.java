package io.keyrotator.webhooks;

import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Subscriptions: validation, secrets in Vault first, then the row. */
@Service
class WebhookService {

    private final SubscriptionRecords subscriptions;
    private final DeliveryRecords deliveries;
    private final WebhookSecrets secrets;
    private final SsrfGuard guard;
    private final Outbox outbox;
    private final Dispatcher dispatcher;
    private final Clock clock;

    WebhookService(
            SubscriptionRecords subscriptions,
            DeliveryRecords deliveries,
            WebhookSecrets secrets,
            SsrfGuard guard,
            Outbox outbox,
            Dispatcher dispatcher,
            Clock clock) {
        this.subscriptions = subscriptions;
        this.deliveries = deliveries;
        this.secrets = secrets;
        this.guard = guard;
        this.outbox = outbox;
        this.dispatcher = dispatcher;
        this.clock = clock;
    }

    SubscriptionView create(SubscriptionRequest request) {
        Instant now = clock.instant();
        Subscription subscription = validated(
                request,
                new Subscription(
                        UUID.randomUUID(),
                        URI.create("http://x"),
                        Subscription.EVENTS,
                        List.of("*"),
                        "standard",
                        "one",
                        true,
                        false,
                        1,
                        null,
                        now,
                        now),
                true);
        String secret = Signer.newSecret();
        secrets.create(subscription.id(), secret, blankToNull(request.authorization()));
        subscriptions.insert(subscription);
        return SubscriptionView.of(subscription, secret);
    }

    List<SubscriptionView> list() {
        return subscriptions.all().stream()
                .map(s -> SubscriptionView.of(s, null))
                .toList();
    }

    SubscriptionView get(UUID id) {
        return SubscriptionView.of(find(id), null);
    }

    SubscriptionView patch(UUID id, SubscriptionRequest request) {
        Subscription current = find(id);
        Subscription changed = validated(request, current, false);
        if (request.authorization() != null) {
            secrets.setAuthorization(id, blankToNull(request.authorization()));
        }
        Subscription saved = new Subscription(
                changed.id(),
                changed.url(),
                changed.events(),
                changed.keyPatterns(),
                changed.format(),
                changed.deliverTo(),
                changed.enabled(),
                changed.hasAuthorization(),
                changed.secretGeneration(),
                changed.enabled() ? null : current.disabledReason(),
                current.createdAt(),
                clock.instant());
        subscriptions.update(saved, request.authorization() != null);
        return SubscriptionView.of(find(id), null);
    }

    void delete(UUID id) {
        if (!subscriptions.delete(id)) {
            throw WebhookNotFoundException.of(id);
        }
        secrets.delete(id);
    }

    /** A new signing secret; both are sent for {@code keyrotator.webhooks.secret-overlap}. */
    SubscriptionView rotateSecret(UUID id) {
        Subscription current = find(id);
        String secret = Signer.newSecret();
        secrets.rotate(id, secret);
        subscriptions.update(current, true);
        return SubscriptionView.of(find(id), secret);
    }

    @Transactional
    public UUID ping(UUID id) {
        find(id);
        UUID event = outbox.record("ping", null, Map.of("subscription", id.toString()));
        UUID delivery = UUID.randomUUID();
        deliveries.insertDeliveries(List.of(new DeliveryRecords.NewDelivery(delivery, id, event)), clock.instant());
        deliveries.markFanned(List.of(event));
        return delivery;
    }

    void redeliver(UUID id, UUID deliveryId) {
        if (!deliveries.exists(id, deliveryId)) {
            throw WebhookNotFoundException.of(deliveryId);
        }
        if (!deliveries.redeliver(id, deliveryId, clock.instant())) {
            throw InvalidWebhookException.of(List.of(
                    Map.of("field", "deliveryId", "message", "only a DEAD or DELIVERED delivery can be sent again")));
        }
        dispatcher.wake();
    }

    List<DeliveryView> deliveries(UUID id) {
        find(id);
        return deliveries.ofSubscription(id, 100);
    }

    private Subscription find(UUID id) {
        return subscriptions.find(id).orElseThrow(() -> WebhookNotFoundException.of(id));
    }

    private Subscription validated(SubscriptionRequest request, Subscription base, boolean creating) {
        List<Map<String, String>> errors = new ArrayList<>();
        URI url = base.url();
        if (creating && request.url() == null) {
            errors.add(Map.of("field", "url", "message", "required"));
        } else if (request.url() != null) {
            try {
                url = URI.create(request.url());
                guard.refusal(url).ifPresent(why -> errors.add(Map.of("field", "url", "message", why)));
            } catch (IllegalArgumentException e) {
                errors.add(Map.of("field", "url", "message", "not a URL"));
            }
        }
        List<String> events = request.events() == null ? base.events() : request.events();
        if (events.isEmpty()
                || events.stream().anyMatch(java.util.Objects::isNull)
                || !Subscription.EVENTS.containsAll(events)) {
            errors.add(Map.of("field", "events", "message", "a non-empty subset of " + Subscription.EVENTS));
        }
        List<String> keys = request.keys() == null ? base.keyPatterns() : request.keys();
        if (keys.isEmpty() || keys.stream().anyMatch(k -> k == null || !k.matches("[a-z0-9_.*?-]{1,64}"))) {
            errors.add(Map.of("field", "keys", "message", "glob patterns of a-z 0-9 - _ . * ?"));
        }
        String format = request.format() == null ? base.format() : request.format();
        if (!Subscription.FORMATS.contains(format)) {
            errors.add(Map.of("field", "format", "message", "standard or spring-cloud-refresh"));
        }
        String deliverTo = request.deliverTo() == null ? base.deliverTo() : request.deliverTo();
        if (!Subscription.DELIVER_TO.contains(deliverTo)) {
            errors.add(Map.of("field", "deliverTo", "message", "one or every-address"));
        }
        if (request.authorization() != null && request.authorization().length() > 4096) {
            errors.add(Map.of("field", "authorization", "message", "at most 4096 characters"));
        }
        if (!errors.isEmpty()) {
            throw InvalidWebhookException.of(errors);
        }
        boolean hasAuthorization = request.authorization() == null
                ? base.hasAuthorization()
                : !request.authorization().isBlank();
        boolean enabled = request.enabled() == null ? base.enabled() : request.enabled();
        return new Subscription(
                base.id(),
                url,
                List.copyOf(events),
                List.copyOf(keys),
                format,
                deliverTo,
                enabled,
                hasAuthorization,
                base.secretGeneration(),
                base.disabledReason(),
                base.createdAt(),
                base.updatedAt());
    }

    private static @Nullable String blankToNull(@Nullable String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
