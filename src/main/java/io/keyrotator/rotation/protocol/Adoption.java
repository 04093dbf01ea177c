package io.keyrotator.rotation.protocol;

import io.keyrotator.rotation.KeyNotFoundException;
import io.keyrotator.rotation.KeyVersion;
import io.keyrotator.rotation.ManagedKey;
import io.keyrotator.rotation.NotInConflictException;
import io.keyrotator.rotation.VaultConflictException;
import io.keyrotator.rotation.store.KeyRecords;
import io.keyrotator.vault.SecretStore;
import io.keyrotator.vault.SecretVersion;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;

/**
 * Resolves CONFLICT (POST …/adopt): the value now in Vault is recorded as a new version with
 * {@code trigger=adopted} and the key returns to ACTIVE.
 */
@Service
public class Adoption {

    private final SecretStore store;
    private final KeyRecords keys;
    private final RegistrationSteps steps;
    private final VaultSync sync;

    Adoption(SecretStore store, KeyRecords keys, RegistrationSteps steps, VaultSync sync) {
        this.store = store;
        this.keys = keys;
        this.steps = steps;
        this.sync = sync;
    }

    /**
     * For a forced rotation with {@code overwrite}: adopt the value in Vault, or, when the secret
     * is gone, take over the empty path (every version retired) so the rotation writes a fresh one.
     */
    void takeOver(String name, @Nullable String actor) {
        ManagedKey key = keys.findByName(name).orElseThrow(() -> KeyNotFoundException.named(name));
        Optional<SecretVersion> latest = store.read(key.vaultPath(), SecretStore.LATEST);
        if (latest.filter(v -> v.string(key.vaultField()) != null).isPresent()) {
            adopt(name, actor);
            return;
        }
        long current =
                store.metadata(key.vaultPath()).map(m -> m.currentVersion()).orElse(0L);
        steps.takeOverEmpty(key.id(), current, latest.isEmpty());
    }

    public KeyVersion adopt(String name, @Nullable String actor) {
        ManagedKey key = keys.findByName(name).orElseThrow(() -> KeyNotFoundException.named(name));
        if (key.state() != ManagedKey.KeyState.CONFLICT) {
            throw NotInConflictException.of(name);
        }
        Optional<SecretVersion> read = store.read(key.vaultPath(), SecretStore.LATEST);
        if (read.isEmpty() && store.metadata(key.vaultPath()).isPresent()) {
            throw VaultConflictException.latestDeleted(name);
        }
        SecretVersion latest =
                read.filter(v -> v.string(key.vaultField()) != null).orElseThrow(() -> VaultConflictException.of(name));
        String fingerprint = KeyMaterial.fingerprintOf(latest.string(key.vaultField()));
        KeyVersion version = steps.adopt(key.id(), fingerprint, latest.version(), actor);
        sync.wakeAfterCommit();
        return version;
    }
}
