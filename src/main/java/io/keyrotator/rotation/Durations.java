package io.keyrotator.rotation;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/** ISO-8601 durations as the API reads and writes them ({@code P30D}, {@code PT24H}). */
public final class Durations {

    /**
     * The longest period, overlap or publish-ahead the API accepts, ten years: far beyond any
     * rotation policy, and far below what would overflow a timestamp once added to now.
     */
    public static final Duration MAX = Duration.ofDays(3650);

    private Durations() {}

    public static Optional<Duration> parse(String text) {
        try {
            return Optional.of(Duration.parse(text));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    /** An overlap a request gives: {@code PT0S} to {@link #MAX}, or a 400 naming {@code field}. */
    public static Duration overlap(String field, String text) {
        return parse(text)
                .filter(d -> !d.isNegative() && d.compareTo(MAX) <= 0)
                .orElseThrow(
                        () -> InvalidRequestException.of(field, "an ISO-8601 duration from PT0S to " + format(MAX)));
    }

    /** Whole days beyond one as {@code P30D}; anything else as {@link Duration#toString()}. */
    public static String format(Duration duration) {
        long seconds = duration.getSeconds();
        if (duration.getNano() == 0 && seconds > 86_400 && seconds % 86_400 == 0) {
            return "P" + seconds / 86_400 + "D";
        }
        return duration.toString();
    }
}
