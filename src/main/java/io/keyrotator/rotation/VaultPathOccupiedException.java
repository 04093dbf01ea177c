package io.keyrotator.rotation;

/** The Vault path already holds a secret that keyrotator did not write. */
public final class VaultPathOccupiedException extends RuntimeException {

    private VaultPathOccupiedException(String message) {
        super(message);
    }

    public static VaultPathOccupiedException of(Object subject) {
        return new VaultPathOccupiedException(
                "Vault path %s already holds a secret; register with adoptExisting to take it over."
                        .formatted(subject));
    }
}
