package io.keyrotator.jobs;

import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The body of {@code POST /api/v1/rotation-jobs}. The selector's parts are all applied; at least one
 * must be given. {@code overlap} overrides each key's overlap ({@code PT0S} after a compromise).
 */
record JobRequest(
        @Nullable Selector selector,
        @Nullable String reason,
        @Nullable String overlap) {

    record Selector(
            @Nullable Map<String, String> labels,
            @Nullable List<String> names,
            @Nullable String vaultPathPrefix) {}
}
