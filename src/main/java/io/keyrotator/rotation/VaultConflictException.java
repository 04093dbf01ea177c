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

    /** The path's newest version is deleted (or destroyed): there is no value to adopt. */
    public static VaultConflictException latestDeleted(Object subject) {
        return new VaultConflictException(
                "The newest version of key %s's secret in Vault is deleted; undelete it in Vault and adopt it, or force a rotation with overwrite."
                        .formatted(subject));
    }
}
