package io.keyrotator.rotation.protocol;

import io.keyrotator.rotation.KeyExistsException;
import io.keyrotator.rotation.KeyVersion;
import io.keyrotator.rotation.NewKey;
import io.keyrotator.rotation.VaultPathOccupiedException;
import io.keyrotator.rotation.VaultPathTakenException;
import io.keyrotator.rotation.store.KeyRecords;
import io.keyrotator.rotation.store.VersionRecords;
import io.keyrotator.vault.SecretMetadata;
import io.keyrotator.vault.SecretStore;
import io.keyrotator.vault.SecretStoreException;
import io.keyrotator.vault.SecretStoreUnavailableException;
import io.keyrotator.vault.SecretVersion;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;

/**
 * Registers a key: its first version is generated and written to Vault at once with {@code cas=0}
 * (or Vault's current version of a path that holds only metadata), or, with {@code adoptExisting},
 * the value already at the path becomes version 1.
 */
@Service
public class Registration {

    private final SecretStore store;
    private final KeyRecords keys;
    private final VersionRecords versions;
    private final KeyGenerator generator;
    private final RegistrationSteps steps;
    private final VaultWriter writer;
    private final VaultSync sync;
    private final Clock clock;

    Registration(
            SecretStore store,
            KeyRecords keys,
            VersionRecords versions,
            KeyGenerator generator,
            RegistrationSteps steps,
            VaultWriter writer,
            VaultSync sync,
            Clock clock) {
        this.store = store;
        this.keys = keys;
        this.versions = versions;
        this.generator = generator;
        this.steps = steps;
        this.writer = writer;
        this.sync = sync;
        this.clock = clock;
    }

    public KeyVersion register(NewKey definition, @Nullable String actor, boolean adoptExisting) {
        if (keys.findByName(definition.name()).isPresent()) {
            throw KeyExistsException.named(definition.name());
        }
        if (keys.existsByPath(definition.vaultPath())) {
            throw VaultPathTakenException.of(definition.vaultPath());
        }
        Optional<SecretMetadata> metadata = store.metadata(definition.vaultPath());
        long current = metadata.map(SecretMetadata::currentVersion).orElse(0L);
        if (current > 0) {
            return adoptExisting(definition, actor, adoptExisting);
        }
        KeyMaterial fresh = generator.generate(definition.generator());
        Begin.Started started = steps.begin(definition.withLastVaultVersion(current), fresh.fingerprint(), actor);
        Map<String, Object> payload = VaultPayloads.rotation(null, started.key(), fresh, 1, null, clock.instant());
        try {
            writer.write(started.key(), started.intent(), payload);
        } catch (SecretStoreException e) {
            if (!(e instanceof SecretStoreUnavailableException unavailable) || unavailable.answered()) {
                steps.forget(started.key().id());
            }
            throw e;
        }
        return versions.findById(started.version().id()).orElseThrow();
    }

    private KeyVersion adoptExisting(NewKey definition, @Nullable String actor, boolean adoptExisting) {
        Optional<SecretVersion> latest = store.read(definition.vaultPath(), SecretStore.LATEST)
                .filter(v -> v.string(definition.vaultField()) != null);
        if (!adoptExisting || latest.isEmpty()) {
            throw VaultPathOccupiedException.of(definition.vaultPath());
        }
        String fingerprint = KeyMaterial.fingerprintOf(latest.get().string(definition.vaultField()));
        KeyVersion version =
                steps.adoptAtRegistration(definition, fingerprint, latest.get().version(), actor);
        sync.wakeAfterCommit();
        return version;
    }
}
