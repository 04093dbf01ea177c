package io.keyrotator.webhooks;

import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/** A webhook subscription as stored (its secrets are in Vault). */
record Subscription(
        UUID id,
        URI url,
        List<String> events,
        List<String> keyPatterns,
        String format,
        String deliverTo,
        boolean enabled,
        boolean hasAuthorization,
        int secretGeneration,
        @Nullable String disabledReason,
        Instant createdAt,
        Instant updatedAt) {

    static final List<String> EVENTS = List.of(
            "key.next_published",
            "key.rotated",
            "key.previous_expired",
            "key.promotion_delayed",
            "key.rotation_failed",
            "key.leaked",
            "key.deleted",
            "ping");
    static final List<String> FORMATS = List.of("standard", "spring-cloud-refresh");
    /** {@code one}: a delivery goes to one of the host's addresses; {@code every-address}: to each. */
    static final List<String> DELIVER_TO = List.of("one", "every-address");

    boolean toEveryAddress() {
        return deliverTo.equals("every-address");
    }

    boolean wants(String type, @Nullable String keyName) {
        if (!events.contains(type)) {
            return false;
        }
        return keyName == null
                || keyPatterns.stream()
                        .anyMatch(pattern -> glob(pattern).matcher(keyName).matches());
    }

    private static Pattern glob(String pattern) {
        StringBuilder regex = new StringBuilder();
        for (char c : pattern.toCharArray()) {
            regex.append(
                    switch (c) {
                        case '*' -> ".*";
                        case '?' -> ".";
                        default -> Pattern.quote(String.valueOf(c));
                    });
        }
        return Pattern.compile(regex.toString());
    }
}
