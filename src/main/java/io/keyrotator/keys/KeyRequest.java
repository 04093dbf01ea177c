package io.keyrotator.keys;

import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.bind.ConstructorBinding;

/**
 * The body of {@code POST /api/v1/keys}; every field but {@code name} may be left out. Durations
 * stay text here so that a bad one is reported by field.
 */
record KeyRequest(
        @Nullable String name,
        @Nullable String vaultMount,
        @Nullable String vaultPath,
        @Nullable String vaultField,
        @Nullable GeneratorRequest generator,
        @Nullable String rotationPeriod,
        @Nullable String overlap,
        @Nullable String publishAhead,
        @Nullable PromotionRequest promotion,
        @Nullable Map<String, String> labels,
        @Nullable Boolean adoptExisting,
        @Nullable String onLeak) {

    /** The catalogue binds all twelve fields; the shorter constructor is for callers without on-leak. */
    @ConstructorBinding
    KeyRequest {}

    KeyRequest(
            @Nullable String name,
            @Nullable String vaultMount,
            @Nullable String vaultPath,
            @Nullable String vaultField,
            @Nullable GeneratorRequest generator,
            @Nullable String rotationPeriod,
            @Nullable String overlap,
            @Nullable String publishAhead,
            @Nullable PromotionRequest promotion,
            @Nullable Map<String, String> labels,
            @Nullable Boolean adoptExisting) {
        this(
                name,
                vaultMount,
                vaultPath,
                vaultField,
                generator,
                rotationPeriod,
                overlap,
                publishAhead,
                promotion,
                labels,
                adoptExisting,
                null);
    }

    record GeneratorRequest(
            @Nullable Integer bytes,
            @Nullable String encoding,
            @Nullable String prefix,
            @Nullable Boolean checksum) {}

    /** {@code promotion}: an empty or absent {@code awaitConsumers} turns gating off. */
    record PromotionRequest(
            @Nullable List<String> awaitConsumers,
            @Nullable String timeout,
            @Nullable String onTimeout) {}
}
