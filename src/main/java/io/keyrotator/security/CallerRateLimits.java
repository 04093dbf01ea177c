package io.keyrotator.security;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Requests per caller and minute, per bucket ({@code leaks}: leak reports, {@code verify}: the
 * scanners' verify endpoint), from {@code keyrotator.limits.callers.<bucket>}. A fixed one-minute
 * window per caller, kept in memory per replica: the limit is there to stop a runaway script or a
 * stolen token, not to meter. Written by hand (a window and a counter) rather than with a rate
 * limiting library: nothing else in the service needs one.
 */
@Component
public class CallerRateLimits {

    private static final Duration WINDOW = Duration.ofMinutes(1);
    private static final int MOST_CALLERS = 10_000;

    private final Map<String, Integer> perMinute;
    private final Map<String, Window> windows = new ConcurrentHashMap<>();
    private final Clock clock;

    CallerRateLimits(
            @Value("${keyrotator.limits.callers.leaks:60}") int leaks,
            @Value("${keyrotator.limits.callers.verify:600}") int verify,
            Clock clock) {
        this.perMinute = Map.of("leaks", leaks, "verify", verify);
        this.clock = clock;
    }

    /** Counts one request of {@code caller}; throws {@link TooManyRequestsException} over the limit. */
    public void acquire(String bucket, String caller) {
        int limit = perMinute.getOrDefault(bucket, Integer.MAX_VALUE);
        Instant now = clock.instant();
        if (windows.size() > MOST_CALLERS) {
            windows.values().removeIf(w -> !w.start().plus(WINDOW).isAfter(now));
        }
        Window window = windows.compute(
                bucket + "\n" + caller,
                (key, current) ->
                        current == null || !current.start().plus(WINDOW).isAfter(now)
                                ? new Window(now, 1)
                                : new Window(current.start(), current.count() + 1));
        if (window.count() > limit) {
            long seconds = Math.max(
                    1, Duration.between(now, window.start().plus(WINDOW)).toSeconds());
            throw new TooManyRequestsException(seconds);
        }
    }

    private record Window(Instant start, int count) {}
}
