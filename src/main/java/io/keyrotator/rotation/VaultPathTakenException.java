package io.keyrotator.rotation;

/** The Vault path is managed under another key's name. */
public final class VaultPathTakenException extends RuntimeException {

    private VaultPathTakenException(String message) {
        super(message);
    }

    public static VaultPathTakenException of(Object subject) {
        return new VaultPathTakenException("Vault path %s belongs to another key.".formatted(subject));
    }
}
