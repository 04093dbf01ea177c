package io.keyrotator.vault;

import java.time.Clock;
import java.time.Duration;

/** The contract, against the fake that unit tests use. */
class InMemorySecretStoreTests extends SecretStoreContractTests {

    private final InMemorySecretStore store = new InMemorySecretStore(Clock.systemUTC());

    @Override
    protected SecretStore store() {
        return store;
    }

    @Override
    protected String mount() {
        return "secret";
    }

    @Override
    protected SecretStore storeRestrictedTo(String prefix) {
        return store.restrictedTo(prefix);
    }

    @Override
    protected void seal() {
        store.seal();
    }

    @Override
    protected void unseal() {
        store.unseal();
    }

    @Override
    protected void configureOutOfBand(KvPath path, int maxVersions, boolean casRequired, Duration deleteAfter) {
        store.configure(path, maxVersions, casRequired, deleteAfter);
    }
}
