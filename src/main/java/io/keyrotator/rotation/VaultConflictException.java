package io.keyrotator.rotation;

/**
 * The key is in CONFLICT: Vault holds a value keyrotator did not write
 * (docs/architecture.md#invariant-4-no-silent-overwrite).
 */
public final class VaultConflictException extends RuntimeException {

    private VaultConflictException(String message) {
        super(message);
    }

    public static VaultConflictException of(Object subject) {
        return new VaultConflictException(
                "Vault holds a value for key %s that keyrotator did not write; adopt it or force a rotation with overwrite."
                        .formatted(subject));
    }
}
