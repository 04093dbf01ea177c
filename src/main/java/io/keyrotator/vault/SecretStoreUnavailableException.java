package io.keyrotator.vault;

/**
 * Vault could not do the operation now: unreachable, timed out, sealed, or a server error. The
 * operation may or may not have taken effect when the connection broke after the request was sent.
 */
public final class SecretStoreUnavailableException extends SecretStoreException {

    private final boolean sealed;

    private SecretStoreUnavailableException(KvPath path, String message, boolean sealed) {
        super(path, message);
        this.sealed = sealed;
    }

    public static SecretStoreUnavailableException sealed(String operation, KvPath path) {
        return new SecretStoreUnavailableException(path, operation + " " + path + " failed: Vault is sealed", true);
    }

    public static SecretStoreUnavailableException status(String operation, KvPath path, int status) {
        return new SecretStoreUnavailableException(
                path, operation + " " + path + " failed: Vault answered HTTP " + status, false);
    }

    public static SecretStoreUnavailableException unreachable(String operation, KvPath path, Throwable cause) {
        return new SecretStoreUnavailableException(
                path,
                operation + " " + path + " failed: Vault unreachable ("
                        + cause.getClass().getSimpleName() + ")",
                false);
    }

    public boolean sealed() {
        return sealed;
    }
}
