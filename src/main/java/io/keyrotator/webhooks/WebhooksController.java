package io.keyrotator.webhooks;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/v1/webhooks")
class WebhooksController {

    private final WebhookService webhooks;

    WebhooksController(WebhookService webhooks) {
        this.webhooks = webhooks;
    }

    @PostMapping
    ResponseEntity<SubscriptionView> create(@RequestBody SubscriptionRequest request) {
        if (request.enabled() != null) {
            throw InvalidWebhookException.of(List.of(Map.of("field", "enabled", "message", "set it with PATCH")));
        }
        SubscriptionView created = webhooks.create(request);
        return ResponseEntity.created(URI.create("/api/v1/webhooks/" + created.id()))
                .body(created);
    }

    @GetMapping
    Map<String, List<SubscriptionView>> list() {
        return Map.of("items", webhooks.list());
    }

    @GetMapping("/{id}")
    SubscriptionView get(@PathVariable UUID id) {
        return webhooks.get(id);
    }

    @PatchMapping(
            path = "/{id}",
            consumes = {"application/merge-patch+json", "application/json"})
    SubscriptionView patch(@PathVariable UUID id, @RequestBody SubscriptionRequest request) {
        return webhooks.patch(id, request);
    }

    @DeleteMapping("/{id}")
    ResponseEntity<Void> delete(@PathVariable UUID id) {
        webhooks.delete(id);
        return ResponseEntity.noContent().build();
    }

    @PostMapping("/{id}/ping")
    ResponseEntity<Map<String, UUID>> ping(@PathVariable UUID id) {
        return ResponseEntity.accepted().body(Map.of("deliveryId", webhooks.ping(id)));
    }

    @PostMapping("/{id}/deliveries/{deliveryId}/redeliver")
    ResponseEntity<Void> redeliver(@PathVariable UUID id, @PathVariable UUID deliveryId) {
        webhooks.redeliver(id, deliveryId);
        return ResponseEntity.accepted().build();
    }

    @GetMapping("/{id}/deliveries")
    Map<String, List<DeliveryView>> deliveries(@PathVariable UUID id) {
        return Map.of("items", webhooks.deliveries(id));
    }

    @PostMapping("/{id}/secret/rotate")
    SubscriptionView rotateSecret(@PathVariable UUID id) {
        return webhooks.rotateSecret(id);
    }
}
