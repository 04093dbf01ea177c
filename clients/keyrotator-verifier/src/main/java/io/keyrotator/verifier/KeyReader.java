package io.keyrotator.verifier;

import java.util.Map;
import java.util.OptionalLong;
import org.springframework.vault.core.VaultOperations;
import org.springframework.vault.support.VaultMetadataResponse;
import org.springframework.vault.support.Versioned;

/** Reads keys with the service's own Vault client and credentials (KV v2). */
final class KeyReader {

    private final VaultOperations vault;

    KeyReader(VaultOperations vault) {
        this.vault = vault;
    }

    /** The key's latest version, whole. */
    KeySnapshot read(HeldKey key) {
        VerifierProperties.KeySpec spec = key.spec();
        Versioned<Map<String, Object>> secret =
                vault.opsForVersionedKeyValue(spec.mount()).get(spec.pathOf(key.name()));
        if (secret == null || !secret.hasData() || secret.getData() == null) {
            throw new IllegalStateException("no secret at " + spec.mount() + "/" + spec.pathOf(key.name()));
        }
        return KeySnapshot.of(
                secret.getData(), spec.field(), secret.getVersion().getVersion());
    }

    /** KV metadata's {@code current_version}: the cheap check for a write no webhook announced. */
    OptionalLong currentVersion(HeldKey key) {
        VerifierProperties.KeySpec spec = key.spec();
        VaultMetadataResponse metadata = vault.opsForVersionedKeyValue(spec.mount())
                .opsForKeyValueMetadata()
                .get(spec.pathOf(key.name()));
        return metadata == null ? OptionalLong.empty() : OptionalLong.of(metadata.getCurrentVersion());
    }
}
