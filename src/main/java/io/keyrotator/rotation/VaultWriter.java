package io.keyrotator.rotation;

import io.keyrotator.vault.CasMismatchException;
import io.keyrotator.vault.SecretStore;
import io.keyrotator.vault.SecretStoreException;
import io.keyrotator.vault.SecretStorePermissionDeniedException;
import io.keyrotator.vault.SecretStoreUnavailableException;
import io.keyrotator.vault.WrittenVersion;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * The middle of the intent protocol: the CAS write itself, then confirm, abort or resolve. A
 * write Vault refused is rolled back at once; a write that may have happened (no answer) is
 * left open for recovery, which reads Vault once the intent's lease has run out.
 */
@Component
class VaultWriter {

    private final SecretStore store;
    private final RotationSteps steps;
    private final FailureSteps failures;
    private final VaultSync sync;
    private final InstanceId owner;

    VaultWriter(SecretStore store, RotationSteps steps, FailureSteps failures, VaultSync sync, InstanceId owner) {
        this.store = store;
        this.steps = steps;
        this.failures = failures;
        this.sync = sync;
        this.owner = owner;
    }

    void write(ManagedKey key, WriteIntent intent, Map<String, Object> payload) {
        WrittenVersion written;
        try {
            written = store.write(key.vaultPath(), payload, intent.cas());
        } catch (CasMismatchException e) {
            // we hold the key's only open intent, so our own unfinished write cannot explain it
            failures.abortInConflict(intent, owner.id());
            throw VaultConflictException.of(key.name());
        } catch (SecretStoreUnavailableException e) {
            if (e.answered()) {
                failures.abort(intent, reason(e), owner.id());
            } else {
                // the write may still be applied late: the intent stays open for recovery, which
                // looks at Vault only once the lease has run out
                failures.recordFailure(intent.keyId(), reason(e));
            }
            throw e;
        } catch (SecretStoreException e) {
            failures.abort(intent, reason(e), owner.id());
            throw e;
        }
        if (!steps.confirm(intent, written.version(), owner.id())) {
            // our lease ran out before the write landed and recovery rolled the intent back: Vault
            // now holds a key the database does not know, which an operator must resolve
            failures.vanished(key.id());
            throw VaultConflictException.of(key.name());
        }
        sync.trySync(key.id());
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
