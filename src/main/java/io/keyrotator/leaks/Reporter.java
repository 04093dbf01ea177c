package io.keyrotator.leaks;

import org.jspecify.annotations.Nullable;

/** Who reported a leak, over which channel ({@code api}, {@code github}), and what they said of it. */
record Reporter(
        String name,
        String channel,
        @Nullable String source,
        @Nullable String reason) {}
