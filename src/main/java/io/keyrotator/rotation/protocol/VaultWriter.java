package io.keyrotator.rotation.protocol;

import io.keyrotator.rotation.KeyVersion;
import io.keyrotator.rotation.ManagedKey;
import io.keyrotator.rotation.VaultConflictException;
import io.keyrotator.rotation.store.IntentRecords;
import io.keyrotator.rotation.store.WriteIntent;
import io.keyrotator.vault.CasMismatchException;
import io.keyrotator.vault.SecretStore;
import io.keyrotator.vault.SecretStoreException;
import io.keyrotator.vault.SecretStorePermissionDeniedException;
import io.keyrotator.vault.SecretStoreUnavailableException;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * The middle of the intent protocol: the CAS write itself, then confirm, abort or resolve. An
 * ambiguous answer (none, a timeout, a 5xx, a 429, a CAS mismatch) is never taken at its word: the
 * write is read back (KV version {@code cas + 1} and its fingerprint) before anything is decided.
 * Found there, it is ours and confirmed; a CAS mismatch without it is a foreign write (CONFLICT);
 * otherwise the intent stays open for recovery, because the write may still land. Only an answer
 * that proves nothing was written (sealed, refused) rolls the intent back at once.
 */
@Component
class VaultWriter {

    private final SecretStore store;
    private final RotationSteps steps;
    private final FailureSteps failures;
    private final IntentRecovery recovery;
    private final IntentRecords intents;
    private final InstanceId owner;

    VaultWriter(
            SecretStore store,
            RotationSteps steps,
            FailureSteps failures,
            IntentRecovery recovery,
            IntentRecords intents,
            InstanceId owner) {
        this.store = store;
        this.steps = steps;
        this.failures = failures;
        this.recovery = recovery;
        this.intents = intents;
        this.owner = owner;
    }

    /**
     * Writes and confirms; returns the confirmed version, read back from the confirming statement,
     * or empty when recovery confirmed it first.
     */
    Optional<KeyVersion> write(ManagedKey key, WriteIntent intent, Map<String, Object> payload) {
        long written;
        try {
            written = store.write(key.vaultPath(), payload, intent.cas()).version();
        } catch (CasMismatchException e) {
            // a proxy that retried our POST gets a mismatch for a write that is ours
            if (!readBack(key, intent)) {
                failures.abortInConflict(intent, owner.id());
                throw VaultConflictException.of(key.name());
            }
            written = intent.targetVaultVersion();
        } catch (SecretStoreUnavailableException e) {
            if (e.sealed()) {
                failures.abort(intent, reason(e), owner.id());
                throw e;
            }
            if (!readBack(key, intent)) {
                // the write may still be applied late: the intent stays open for recovery, which
                // looks at Vault again once the lease has run out
                failures.recordFailure(intent.keyId(), reason(e));
                throw e;
            }
            written = intent.targetVaultVersion();
        } catch (SecretStoreException e) {
            failures.abort(intent, reason(e), owner.id());
            throw e;
        }
        Optional<KeyVersion> confirmed = steps.confirm(intent, written, owner.id());
        if (confirmed.isEmpty() && !confirmedByRecovery(intent)) {
            // recovery rolled the intent back before our write landed: Vault now holds a key the
            // database does not know, which an operator must resolve
            failures.vanished(key.id());
            throw VaultConflictException.of(key.name());
        }
        return confirmed;
    }

    /** Whether Vault holds this intent's write; false when Vault cannot even be read now. */
    private boolean readBack(ManagedKey key, WriteIntent intent) {
        try {
            return recovery.wasWritten(key, intent);
        } catch (SecretStoreException unreadable) {
            return false;
        }
    }

    /** Our lease ran out while we waited for Vault, and recovery found the write and confirmed it. */
    private boolean confirmedByRecovery(WriteIntent intent) {
        return intents.state(intent.id()).filter("DONE"::equals).isPresent();
    }

    /** A failure reason without Vault's text: what {@code lastFailure.reason} shows. */
    static String reason(RuntimeException e) {
        if (e instanceof SecretStoreUnavailableException unavailable) {
            return unavailable.sealed() ? "vault-sealed" : "vault-unavailable";
        }
        if (e instanceof SecretStorePermissionDeniedException) {
            return "vault-permission-denied";
        }
        if (e instanceof SecretStoreException) {
            return "vault-rejected";
        }
        return "internal-error";
    }
}
