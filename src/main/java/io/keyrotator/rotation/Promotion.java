package io.keyrotator.rotation;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Gated promotion (docs/contract.md#gated-promotion): a published-ahead key becomes current, and a
 * previous key's overlap closes, only once every live instance of {@code awaitConsumers} holds the
 * version that makes it safe, waiting at most {@code timeout} past the moment it was due.
 *
 * @param onTimeout what a promotion does when the timeout passes with instances still behind; an
 *     overlap close always ends at the timeout, because verifiers stop accepting the previous key
 *     at the {@code previous_expires_at} keyrotator advertised
 */
public record Promotion(List<String> awaitConsumers, Duration timeout, OnTimeout onTimeout) {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(10);

    /** A consumer's name, as an acknowledgement and {@code awaitConsumers} give it. */
    public static final java.util.regex.Pattern CONSUMER_NAME =
            java.util.regex.Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");

    /** No gating: promotion and close happen when due. */
    public static final Promotion NONE = new Promotion(List.of(), DEFAULT_TIMEOUT, OnTimeout.PROMOTE);

    public Promotion {
        awaitConsumers = List.copyOf(awaitConsumers);
    }

    public enum OnTimeout {
        PROMOTE,
        HOLD
    }

    public boolean gated() {
        return !awaitConsumers.isEmpty();
    }

    /**
     * The {@code previous_expires_at} keyrotator writes for an overlap that ends at {@code
     * validUntil}: the latest moment a gated close may happen, so that verifiers keep accepting the
     * previous key while keyrotator waits for an instance still presenting it.
     */
    public Instant latestClose(Instant validUntil) {
        return gated() ? validUntil.plus(timeout) : validUntil;
    }
}
