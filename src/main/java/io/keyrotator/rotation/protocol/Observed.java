package io.keyrotator.rotation.protocol;

import io.keyrotator.rotation.ManagedKey;
import io.keyrotator.vault.SecretVersion;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What a read of the latest KV version showed, reduced to what the first transaction compares with
 * the database: the version number and the fingerprints of the current and next key.
 */
public record Observed(
        long vaultVersion,
        @Nullable String currentFingerprint,
        @Nullable String nextFingerprint) {

    public static Observed of(Optional<SecretVersion> latest, ManagedKey key) {
        return latest.map(v -> new Observed(
                        v.version(),
                        fingerprint(v.string(key.fields().current())),
                        fingerprint(v.string(key.fields().next()))))
                .orElse(new Observed(0, null, null));
    }

    private static @Nullable String fingerprint(@Nullable String value) {
        return value == null ? null : KeyMaterial.fingerprintOf(value);
    }
}
