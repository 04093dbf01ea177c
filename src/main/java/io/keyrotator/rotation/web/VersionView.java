package io.keyrotator.rotation.web;

import io.keyrotator.rotation.KeyVersion;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * A version as the API shows it (docs/contract.md#rotations-and-versions): fingerprint and life
 * cycle, never the key.
 */
record VersionView(
        String key,
        int version,
        String state,
        @Nullable Long vaultVersion,
        String fingerprint,
        String trigger,
        @Nullable String actor,
        @Nullable String reason,
        @Nullable String failure,
        Instant createdAt,
        @Nullable Instant activatedAt,
        @Nullable Instant validUntil,
        @Nullable Instant retiredAt) {

    static VersionView of(String key, KeyVersion version) {
        return new VersionView(
                key,
                version.version(),
                version.state().name(),
                version.vaultVersion(),
                version.fingerprint(),
                version.trigger().id(),
                version.actor(),
                version.reason(),
                version.failure(),
                version.createdAt(),
                version.activatedAt(),
                version.validUntil(),
                version.retiredAt());
    }

    record VersionPage(java.util.List<VersionView> items) {}
}
