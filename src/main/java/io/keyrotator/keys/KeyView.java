package io.keyrotator.keys;

import io.keyrotator.rotation.Durations;
import io.keyrotator.rotation.KeyVersion;
import io.keyrotator.rotation.ManagedKey;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** A key as the API shows it (docs/contract.md#keys): settings, state and versions, never a key value. */
record KeyView(
        String name,
        String vaultMount,
        String vaultPath,
        String vaultField,
        GeneratorView generator,
        String rotationPeriod,
        String overlap,
        Map<String, String> labels,
        String publishAhead,
        PromotionView promotion,
        String onLeak,
        String state,
        @Nullable Integer currentVersion,
        @Nullable String currentFingerprint,
        @Nullable Integer previousVersion,
        @Nullable Instant previousValidUntil,
        @Nullable Integer nextVersion,
        @Nullable Instant nextActiveAt,
        @Nullable Failure lastFailure,
        @Nullable Instant nextAttemptAt,
        @Nullable Instant lastRotatedAt,
        @Nullable Instant nextRotationAt,
        Instant createdAt,
        Instant updatedAt) {

    record GeneratorView(int bytes, String encoding, String prefix, boolean checksum) {}

    record Failure(Instant at, String reason) {}

    record PromotionView(List<String> awaitConsumers, String timeout, String onTimeout) {}

    /** {@code versions} newest first, as {@code KeyCatalog.versionsOf} returns them. */
    static KeyView of(ManagedKey key, List<KeyVersion> versions) {
        Optional<KeyVersion> current = first(versions, KeyVersion.State.CURRENT);
        Optional<KeyVersion> previous = first(versions, KeyVersion.State.PREVIOUS);
        Optional<KeyVersion> next = first(versions, KeyVersion.State.NEXT);
        var generator = key.generator();
        return new KeyView(
                key.name(),
                key.vaultPath().mount(),
                key.vaultPath().path(),
                key.vaultField(),
                new GeneratorView(
                        generator.bytes(), generator.encoding().id(), generator.prefix(), generator.checksum()),
                Durations.format(key.rotationPeriod()),
                Durations.format(key.overlap()),
                key.labels(),
                Durations.format(key.publishAhead()),
                new PromotionView(
                        key.promotion().awaitConsumers(),
                        Durations.format(key.promotion().timeout()),
                        key.promotion().onTimeout().name()),
                key.onLeak().name(),
                key.state().name(),
                current.map(KeyVersion::version).orElse(null),
                current.map(KeyVersion::fingerprint).orElse(null),
                previous.map(KeyVersion::version).orElse(null),
                previous.map(KeyVersion::validUntil).orElse(null),
                next.map(KeyVersion::version).orElse(null),
                next.map(KeyVersion::activateAt).orElse(null),
                key.lastFailureAt() == null || key.lastFailureReason() == null
                        ? null
                        : new Failure(key.lastFailureAt(), key.lastFailureReason()),
                key.nextAttemptAt(),
                key.lastRotatedAt(),
                key.nextRotationAt(),
                key.createdAt(),
                key.updatedAt());
    }

    private static Optional<KeyVersion> first(List<KeyVersion> versions, KeyVersion.State state) {
        return versions.stream().filter(v -> v.state() == state).findFirst();
    }
}
