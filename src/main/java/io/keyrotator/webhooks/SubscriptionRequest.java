package io.keyrotator.webhooks;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The body of {@code POST /api/v1/webhooks} and, with {@code enabled}, of its PATCH: fields left
 * out keep their value (or their default at creation).
 */
record SubscriptionRequest(
        @Nullable String url,
        @Nullable List<String> events,
        @Nullable List<String> keys,
        @Nullable String format,
        @Nullable String deliverTo,
        @Nullable String authorization,
        @Nullable Boolean enabled) {

    @Override
    public String toString() {
        return "SubscriptionRequest[url=" + url + ", events=" + events + ", keys=" + keys + ", format=" + format
                + ", deliverTo=" + deliverTo + ", authorization=" + (authorization == null ? "none" : "***")
                + ", enabled=" + enabled + "]";
    }
}
