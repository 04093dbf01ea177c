package io.keyrotator.keys;

import io.keyrotator.rotation.Durations;
import io.keyrotator.rotation.InvalidRequestException.FieldError;
import io.keyrotator.rotation.Promotion;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/** The rules of a key's {@code promotion} setting (docs/contract.md#gated-promotion), field by field. */
final class PromotionRules {

    private static final int MAX_CONSUMERS = 16;
    private static final Duration MAX_TIMEOUT = Duration.ofDays(7);

    private PromotionRules() {}

    /**
     * The promotion a request asks for, over {@code base} (the key's current one, or none): a given
     * object replaces it whole, an absent one keeps it.
     */
    static Promotion promotion(List<FieldError> errors, KeyRequest.@Nullable PromotionRequest request, Promotion base) {
        if (request == null) {
            return base;
        }
        List<String> consumers = request.awaitConsumers() == null ? List.of() : request.awaitConsumers();
        boolean valid = true;
        if (consumers.size() > MAX_CONSUMERS) {
            errors.add(new FieldError("promotion.awaitConsumers", "at most " + MAX_CONSUMERS + " consumers"));
            valid = false;
        }
        if (consumers.stream()
                .anyMatch(c -> c == null || !Promotion.CONSUMER_NAME.matcher(c).matches())) {
            errors.add(new FieldError("promotion.awaitConsumers", "consumer names of 1-64 of a-z 0-9 . _ -"));
            valid = false;
        } else if (new HashSet<>(consumers).size() != consumers.size()) {
            errors.add(new FieldError("promotion.awaitConsumers", "each consumer once"));
            valid = false;
        }
        Duration timeout = Promotion.DEFAULT_TIMEOUT;
        if (request.timeout() != null) {
            Duration parsed = Durations.parse(request.timeout()).orElse(null);
            if (parsed == null || parsed.isNegative() || parsed.compareTo(MAX_TIMEOUT) > 0) {
                errors.add(new FieldError(
                        "promotion.timeout", "an ISO-8601 duration from PT0S to " + Durations.format(MAX_TIMEOUT)));
            } else {
                timeout = parsed;
            }
        }
        Promotion.OnTimeout onTimeout = Promotion.OnTimeout.PROMOTE;
        if (request.onTimeout() != null) {
            try {
                onTimeout = Promotion.OnTimeout.valueOf(request.onTimeout().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                errors.add(new FieldError("promotion.onTimeout", "PROMOTE or HOLD"));
            }
        }
        // a list with errors is reported, never kept (it may hold nulls)
        return consumers.isEmpty() || !valid ? Promotion.NONE : new Promotion(consumers, timeout, onTimeout);
    }

    /**
     * Gating needs something to gate (a published-ahead key or an overlap window), and room: a
     * promotion or close that may wait the whole timeout must end before the next rotation, which
     * would otherwise replace the key waiting, or drop the previous key before the
     * {@code previous_expires_at} keyrotator advertised.
     */
    static void checkApplies(
            List<FieldError> errors, Promotion promotion, Duration period, Duration overlap, Duration publishAhead) {
        if (!promotion.gated()) {
            return;
        }
        if (overlap.isZero() && publishAhead.isZero()) {
            errors.add(new FieldError(
                    "promotion.awaitConsumers", "gates publish-ahead and the overlap: set publishAhead or overlap"));
        } else if (overlap.plus(publishAhead).plus(promotion.timeout()).compareTo(period) >= 0) {
            errors.add(new FieldError(
                    "promotion.timeout",
                    "overlap + publishAhead + promotion.timeout must be shorter than rotationPeriod"));
        }
    }
}
