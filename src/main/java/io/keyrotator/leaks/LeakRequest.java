package io.keyrotator.leaks;

import org.jspecify.annotations.Nullable;

/**
 * The body of {@code POST /api/v1/leaks}: the leaked string ({@code value}) or its SHA-256 in hex
 * ({@code sha256}), one of the two. {@link #toString()} never shows the value, so no framework log
 * of the request can.
 */
record LeakRequest(
        @Nullable String value,
        @Nullable String sha256,
        @Nullable String source,
        @Nullable String reason) {

    @Override
    public String toString() {
        return "LeakRequest[value=" + (value == null ? "null" : "(hidden)") + ", sha256=" + sha256 + ", source="
                + source + ", reason=" + reason + "]";
    }
}
