package io.keyrotator.vault;

/**
 * Vault could not do the operation now: unreachable, timed out, sealed, or a server error. The
 * operation may or may not have taken effect when the connection broke after the request was sent.
 */
public final class SecretStoreUnavailableException extends SecretStoreException {

    private final boolean sealed;
    private final boolean answered;

    private SecretStoreUnavailableException(KvPath path, String message, boolean sealed, boolean answered) {
        super(path, message);
        this.sealed = sealed;
        this.answered = answered;
    }

    public static SecretStoreUnavailableException sealed(String operation, KvPath path) {
        return new SecretStoreUnavailableException(
                path, operation + " " + path + " failed: Vault is sealed", true, true);
    }

    public static SecretStoreUnavailableException status(String operation, KvPath path, int status) {
        return new SecretStoreUnavailableException(
                path, operation + " " + path + " failed: Vault answered HTTP " + status, false, true);
    }

    public static SecretStoreUnavailableException unreachable(String operation, KvPath path, Throwable cause) {
        return new SecretStoreUnavailableException(
                path,
                operation + " " + path + " failed: Vault unreachable ("
                        + cause.getClass().getSimpleName() + ")",
                false,
                false);
    }

    public boolean sealed() {
        return sealed;
    }

    /**
     * Whether Vault answered (sealed, an error status): then a write did not happen. Without an
     * answer (refused, reset, timed out) a write may have been applied.
     */
    public boolean answered() {
        return answered;
    }
}
