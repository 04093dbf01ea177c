package io.keyrotator.vault;

/**
 * Base of everything the {@link SecretStore} port throws. Messages name the operation, the path and
 * at most an HTTP status: never Vault's raw error text, never a secret value.
 */
public class SecretStoreException extends RuntimeException {

    private final KvPath path;

    protected SecretStoreException(KvPath path, String message) {
        super(message);
        this.path = path;
    }

    /** Vault refused the request for a reason the port has no dedicated type for (a 4xx). */
    static SecretStoreException rejected(String operation, KvPath path, int status) {
        return new SecretStoreException(path, operation + " " + path + " rejected by Vault (HTTP " + status + ")");
    }

    public KvPath path() {
        return path;
    }
}
