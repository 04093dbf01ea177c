package io.keyrotator.worker;

import java.time.Duration;

/** The wait before a worker tries a failed row again: 5 s, doubling per attempt, at most 5 min. */
public final class Backoff {

    private static final Duration FIRST = Duration.ofSeconds(5);
    private static final Duration MOST = Duration.ofMinutes(5);

    private Backoff() {}

    public static Duration after(int attempts) {
        Duration doubled = FIRST.multipliedBy(1L << Math.min(Math.max(attempts, 0), 6));
        return doubled.compareTo(MOST) > 0 ? MOST : doubled;
    }
}
