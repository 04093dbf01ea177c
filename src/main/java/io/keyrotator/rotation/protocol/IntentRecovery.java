package io.keyrotator.rotation.protocol;

import io.keyrotator.rotation.ManagedKey;
import io.keyrotator.rotation.store.KeyRecords;
import io.keyrotator.rotation.store.WriteIntent;
import io.keyrotator.vault.SecretMetadata;
import io.keyrotator.vault.SecretStore;
import io.keyrotator.vault.SecretVersion;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Finishes or rolls back an interrupted Vault write
 * (docs/architecture.md#invariant-2-vault-and-postgresql-agree) by looking at Vault: if KV
 * version {@code cas + 1} exists and carries the intended key, the write happened and is
 * confirmed; otherwise it did not (or was not ours) and is rolled back. Never writes to Vault, so
 * nothing is done twice.
 */
@Component
public class IntentRecovery {

    private static final Logger log = LoggerFactory.getLogger(IntentRecovery.class);

    private final SecretStore store;
    private final KeyRecords keys;
    private final RotationSteps steps;
    private final FailureSteps failures;
    private final InstanceId owner;

    IntentRecovery(SecretStore store, KeyRecords keys, RotationSteps steps, FailureSteps failures, InstanceId owner) {
        this.store = store;
        this.keys = keys;
        this.steps = steps;
        this.failures = failures;
        this.owner = owner;
    }

    /** Returns whether the write was found in Vault. Throws when Vault cannot be read. */
    public boolean resolve(WriteIntent intent) {
        Optional<ManagedKey> key = keys.findById(intent.keyId());
        if (key.isEmpty()) {
            return false;
        }
        boolean written = wasWritten(key.get(), intent);
        if (written) {
            steps.confirm(intent, intent.targetVaultVersion(), owner.id());
        } else {
            failures.abort(intent, "interrupted", owner.id());
        }
        log.info(
                "Recovered {} intent of key {}: write {}",
                intent.kind(),
                key.get().name(),
                written ? "found in Vault, confirmed" : "not in Vault, rolled back");
        return written;
    }

    /**
     * Whether KV version {@code cas + 1} holds this intent's key, read from Vault: the only proof of
     * what an unanswered, failed or mismatched write really did. Throws when Vault cannot be read.
     */
    boolean wasWritten(ManagedKey key, WriteIntent intent) {
        long target = intent.targetVaultVersion();
        Optional<SecretMetadata> metadata = store.metadata(key.vaultPath());
        if (metadata.isEmpty() || metadata.get().currentVersion() < target) {
            return false;
        }
        String field = intent.kind() == WriteIntent.Kind.PUBLISH
                ? key.fields().next()
                : key.fields().current();
        // a close leaves no previous key behind, a promotion no next key: otherwise the write is not ours
        String mustBeGone = switch (intent.kind()) {
            case CLOSE -> key.fields().previous();
            case PROMOTE -> key.fields().next();
            default -> null;
        };
        return store.read(key.vaultPath(), target)
                .filter(v -> mustBeGone == null || !v.data().containsKey(mustBeGone))
                .map((SecretVersion v) -> v.string(field))
                .map(KeyMaterial::fingerprintOf)
                .filter(fingerprint -> Objects.equals(fingerprint, intent.fingerprint()))
                .isPresent();
    }
}
