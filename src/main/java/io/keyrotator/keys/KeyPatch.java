package io.keyrotator.keys;

import java.util.Map;
import org.jspecify.annotations.Nullable;

/** The body of {@code PATCH /api/v1/keys/{name}}: a JSON merge patch of the changeable settings. */
record KeyPatch(
        KeyRequest.@Nullable GeneratorRequest generator,
        @Nullable String rotationPeriod,
        @Nullable String overlap,
        @Nullable String publishAhead,
        KeyRequest.@Nullable PromotionRequest promotion,
        @Nullable Map<String, @Nullable String> labels,
        @Nullable String state,
        @Nullable String onLeak) {}
