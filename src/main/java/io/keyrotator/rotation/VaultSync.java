package io.keyrotator.rotation;

import io.keyrotator.rotation.KeyVersion.State;
import io.keyrotator.vault.SecretMetadata;
import io.keyrotator.vault.SecretStore;
import io.keyrotator.vault.SecretStoreException;
import io.keyrotator.vault.VaultProperties;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The Vault side effects of a confirmed write: destroy the KV versions that hold keys no longer
 * valid (docs/architecture.md#invariant-3-at-most-two-valid-keys) and make {@code custom_metadata}
 * match the database. Both are recorded as pending in the confirming transaction, so a failure here
 * is retried by recovery.
 */
@Component
class VaultSync {

    private static final Logger log = LoggerFactory.getLogger(VaultSync.class);

    private final SecretStore store;
    private final KeyRecords keys;
    private final SyncRecords sync;
    private final VersionRecords versions;
    private final VaultProperties vault;

    VaultSync(SecretStore store, KeyRecords keys, SyncRecords sync, VersionRecords versions, VaultProperties vault) {
        this.store = store;
        this.keys = keys;
        this.sync = sync;
        this.versions = versions;
        this.vault = vault;
    }

    /** Best effort: a Vault failure leaves the work pending for recovery. */
    boolean trySync(long keyId) {
        try {
            sync(keyId);
            return true;
        } catch (SecretStoreException e) {
            log.warn("Vault sync of key id {} postponed to recovery: {}", keyId, e.getMessage());
            return false;
        }
    }

    void sync(long keyId) {
        Optional<ManagedKey> found = keys.findById(keyId);
        if (found.isEmpty()) {
            return;
        }
        ManagedKey key = found.get();
        long below = sync.destroyBelow(keyId);
        if (below > 0) {
            if (vault.destroySuperseded()) {
                store.destroy(key.vaultPath(), readableBelow(key, below));
            }
            sync.markDestroyed(keyId, below);
        }
        store.writeCustomMetadata(key.vaultPath(), customMetadata(key));
        sync.markMetadataSynced(keyId, key.lastVaultVersion());
    }

    private List<Long> readableBelow(ManagedKey key, long below) {
        return store.metadata(key.vaultPath())
                .map(SecretMetadata::versions)
                .map(all -> all.headMap(below).entrySet().stream()
                        .filter(e -> !e.getValue().destroyed())
                        .map(Map.Entry::getKey)
                        .toList())
                .orElse(List.of());
    }

    /** docs/contract.md#custom-metadata: the strings a secret's custom_metadata carries. */
    Map<String, String> customMetadata(ManagedKey key) {
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("managed-by", "keyrotator");
        versions.inState(key.id(), State.CURRENT).ifPresent(current -> {
            metadata.put("key-version", Integer.toString(current.version()));
            metadata.put("fingerprint", current.fingerprint());
            metadata.put("trigger", current.trigger().id());
        });
        if (key.lastRotatedAt() != null) {
            metadata.put("rotated-at", VaultPayloads.rfc3339(key.lastRotatedAt()));
        }
        versions.inState(key.id(), State.PREVIOUS)
                .map(KeyVersion::validUntil)
                .ifPresent(until -> metadata.put("previous-expires-at", VaultPayloads.rfc3339(until)));
        return metadata;
    }
}
