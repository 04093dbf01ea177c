package io.keyrotator.rotation.store;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * A Vault write recorded before it is made (docs/architecture.md#invariant-2-vault-and-postgresql-agree):
 * the write creates KV version {@code cas + 1}, whose {@code api_key} (or {@code next_api_key} for
 * {@link Kind#PUBLISH}) has {@code fingerprint}.
 */
public record WriteIntent(
        long id,
        long keyId,
        @Nullable Long versionId,
        Kind kind,
        String owner,
        Instant leaseUntil,
        long cas,
        String fingerprint,
        @Nullable Instant previousValidUntil,
        @Nullable Instant nextActiveAt) {

    public enum Kind {
        REGISTER,
        ROTATE,
        PUBLISH,
        PROMOTE,
        CLOSE
    }

    public long targetVaultVersion() {
        return cas + 1;
    }
}
