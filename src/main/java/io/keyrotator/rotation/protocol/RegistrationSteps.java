package io.keyrotator.rotation.protocol;

import io.keyrotator.rotation.KeyExistsException;
import io.keyrotator.rotation.KeyVersion;
import io.keyrotator.rotation.KeyVersion.State;
import io.keyrotator.rotation.KeyVersion.Trigger;
import io.keyrotator.rotation.ManagedKey;
import io.keyrotator.rotation.ManagedKey.KeyState;
import io.keyrotator.rotation.NewKey;
import io.keyrotator.rotation.NotInConflictException;
import io.keyrotator.rotation.RotationProperties;
import io.keyrotator.rotation.VaultPathTakenException;
import io.keyrotator.rotation.store.IntentRecords;
import io.keyrotator.rotation.store.KeyRecords;
import io.keyrotator.rotation.store.VersionRecords;
import io.keyrotator.rotation.store.WriteIntent;
import java.time.Clock;
import java.time.Instant;
import org.jspecify.annotations.Nullable;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/** The transactions of registration and adoption. */
@Component
class RegistrationSteps {

    private final KeyRecords keys;
    private final VersionRecords versions;
    private final IntentRecords intents;
    private final Schedule schedule;
    private final InstanceId owner;
    private final VaultSync sync;
    private final RotationProperties properties;
    private final Clock clock;

    RegistrationSteps(
            KeyRecords keys,
            VersionRecords versions,
            IntentRecords intents,
            Schedule schedule,
            InstanceId owner,
            VaultSync sync,
            RotationProperties properties,
            Clock clock) {
        this.keys = keys;
        this.sync = sync;
        this.versions = versions;
        this.intents = intents;
        this.schedule = schedule;
        this.owner = owner;
        this.properties = properties;
        this.clock = clock;
    }

    /** Inserts the key, its version 1 as PENDING and the REGISTER intent (cas = Vault's current version). */
    @Transactional
    public Begin.Started begin(NewKey definition, String fingerprint, @Nullable String actor) {
        Instant now = clock.instant();
        long id = insert(definition, now);
        ManagedKey key = keys.lock(id);
        KeyVersion version = versions.insert(id, State.PENDING, fingerprint, Trigger.REGISTRATION, actor, null, now);
        WriteIntent intent = intents.insert(
                id,
                version.id(),
                WriteIntent.Kind.REGISTER,
                owner.id(),
                properties.limits().intentLease(),
                definition.lastVaultVersion(),
                fingerprint,
                null,
                null,
                now);
        return new Begin.Started(key, intent, version);
    }

    /** Registration with {@code adoptExisting}: the value already in Vault is version 1. */
    @Transactional
    public KeyVersion adoptAtRegistration(
            NewKey definition, String fingerprint, long vaultVersion, @Nullable String actor) {
        Instant now = clock.instant();
        long id = insert(definition.withLastVaultVersion(vaultVersion), now);
        ManagedKey key = keys.lock(id);
        KeyVersion version = versions.insert(id, State.PENDING, fingerprint, Trigger.REGISTRATION, actor, null, now);
        versions.becomeCurrent(version.id(), vaultVersion, now);
        sync.handOverAfterCommit(
                keys.recordWrite(id, vaultVersion, now, schedule.next(key, now), false, now, VaultSync.LEASE));
        return versions.findById(version.id()).orElseThrow();
    }

    /** Resolves CONFLICT: the value now in Vault becomes the current version. */
    @Transactional
    public KeyVersion adopt(long keyId, String fingerprint, long vaultVersion, @Nullable String actor) {
        Instant now = clock.instant();
        ManagedKey key = keys.lock(keyId);
        if (key.state() != KeyState.CONFLICT) {
            throw NotInConflictException.of(key.name());
        }
        versions.retire(keyId, now, State.NEXT, State.PREVIOUS, State.CURRENT);
        KeyVersion version = versions.insert(keyId, State.PENDING, fingerprint, Trigger.ADOPTED, actor, null, now);
        versions.becomeCurrent(version.id(), vaultVersion, now);
        // every older version holds a key that is no longer valid
        keys.recordAdoption(keyId, vaultVersion, vaultVersion, now);
        if (key.nextRotationAt() == null) {
            sync.handOverAfterCommit(
                    keys.recordWrite(keyId, vaultVersion, now, schedule.next(key, now), false, now, VaultSync.LEASE));
        }
        return versions.findById(version.id()).orElseThrow();
    }

    /**
     * The key's secret is gone from Vault, or holds no value of the key: every version retired, the
     * key active on the path. When the newest version is unreadable (deleted or destroyed) it is
     * destroyed too: a soft-deleted version still holds a retired key that an undelete would bring
     * back. A readable one stays until the rotation has carried its other fields forward.
     */
    @Transactional
    public void takeOverEmpty(long keyId, long vaultVersion, boolean latestUnreadable) {
        Instant now = clock.instant();
        ManagedKey key = keys.lock(keyId);
        if (key.state() != KeyState.CONFLICT) {
            return;
        }
        versions.retire(keyId, now, State.NEXT, State.PREVIOUS, State.CURRENT);
        keys.recordAdoption(keyId, vaultVersion, latestUnreadable ? vaultVersion + 1 : vaultVersion, now);
    }

    /** A registration whose first write Vault refused leaves nothing behind. */
    @Transactional
    public void forget(long keyId) {
        keys.delete(keyId);
    }

    private long insert(NewKey definition, Instant now) {
        try {
            return keys.insert(definition, now);
        } catch (DuplicateKeyException e) {
            String message = String.valueOf(e.getMessage());
            if (message.contains("managed_key_vault_path_unique")) {
                throw VaultPathTakenException.of(definition.vaultPath());
            }
            throw KeyExistsException.named(definition.name());
        }
    }
}
