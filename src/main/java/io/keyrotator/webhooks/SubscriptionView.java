package io.keyrotator.webhooks;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * A subscription as the API shows it. {@code secret} is present only in the answer to creation and
 * to a secret rotation: it is shown once and never again.
 */
record SubscriptionView(
        UUID id,
        String url,
        List<String> events,
        List<String> keys,
        String format,
        String deliverTo,
        boolean enabled,
        boolean hasAuthorization,
        @Nullable String disabledReason,
        Instant createdAt,
        Instant updatedAt,
        @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable String secret) {

    static SubscriptionView of(Subscription s, @Nullable String secret) {
        return new SubscriptionView(
                s.id(),
                s.url().toString(),
                s.events(),
                s.keyPatterns(),
                s.format(),
                s.deliverTo(),
                s.enabled(),
                s.hasAuthorization(),
                s.disabledReason(),
                s.createdAt(),
                s.updatedAt(),
                secret);
    }

    @Override
    public String toString() {
        return "SubscriptionView[id=" + id + ", url=" + url + "]";
    }
}
