package io.keyrotator.rotation;

import java.time.Duration;

/** A forced rotation came sooner than {@code keyrotator.limits.min-manual-interval} after the last one. */
public final class RateLimitedException extends RuntimeException {

    private final Duration retryAfter;

    private RateLimitedException(String key, Duration retryAfter) {
        super("Key %s was rotated by hand moments ago; try again in %d s.".formatted(key, seconds(retryAfter)));
        this.retryAfter = retryAfter;
    }

    public static RateLimitedException of(String key, Duration retryAfter) {
        return new RateLimitedException(key, retryAfter);
    }

    /** Whole seconds to wait, at least one. */
    public long retryAfterSeconds() {
        return seconds(retryAfter);
    }

    private static long seconds(Duration duration) {
        return Math.max(1, (duration.toMillis() + 999) / 1000);
    }
}
