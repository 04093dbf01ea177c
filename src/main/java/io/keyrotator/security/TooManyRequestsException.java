package io.keyrotator.security;

/** A caller went over its requests per minute ({@link CallerRateLimits}): 429 with Retry-After. */
public final class TooManyRequestsException extends RuntimeException {

    private final long retryAfterSeconds;

    TooManyRequestsException(long retryAfterSeconds) {
        super("Too many requests from this caller; try again in %d s.".formatted(retryAfterSeconds));
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
