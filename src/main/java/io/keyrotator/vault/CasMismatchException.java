package io.keyrotator.vault;

/** A check-and-set write named a version that is not the path's current version. */
public final class CasMismatchException extends SecretStoreException {

    private final long expectedVersion;

    private CasMismatchException(KvPath path, long expectedVersion) {
        super(path, "check-and-set mismatch writing " + path + ": version " + expectedVersion + " is not current");
        this.expectedVersion = expectedVersion;
    }

    public static CasMismatchException writing(KvPath path, long expectedVersion) {
        return new CasMismatchException(path, expectedVersion);
    }

    /** The {@code cas} value the write carried. */
    public long expectedVersion() {
        return expectedVersion;
    }
}
