package io.keyrotator.vault;

/** Vault's policy for our token does not allow the operation on the path (HTTP 403). */
public final class SecretStorePermissionDeniedException extends SecretStoreException {

    private SecretStorePermissionDeniedException(KvPath path, String operation) {
        super(path, operation + " " + path + " denied by Vault policy");
    }

    public static SecretStorePermissionDeniedException of(String operation, KvPath path) {
        return new SecretStorePermissionDeniedException(path, operation);
    }
}
