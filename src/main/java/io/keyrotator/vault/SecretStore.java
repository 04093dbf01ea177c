package io.keyrotator.vault;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The small port through which keyrotator reads and writes Vault KV v2 secrets.
 *
 * <p>Every method may throw {@link SecretStorePermissionDeniedException} when the token's policy
 * forbids the path and {@link SecretStoreUnavailableException} when Vault cannot be reached, is
 * sealed or fails. No exception carries Vault's raw error text or any secret value.
 */
public interface SecretStore {

    /** Version number that {@link #read} understands as "the newest version". */
    long LATEST = 0;

    /**
     * Writes {@code data} as a new KV v2 version with check-and-set.
     *
     * @param cas the version the caller believes is current: {@code 0} creates the secret only
     *     when the path holds no version yet
     * @return the version Vault created
     * @throws CasMismatchException when {@code cas} is not the path's current version
     */
    WrittenVersion write(KvPath path, Map<String, ?> data, long cas);

    /**
     * Reads one version.
     *
     * @param version a version number, or {@link #LATEST}
     * @return empty when the path or the version does not exist, was pruned by {@code max_versions},
     *     was deleted or was destroyed
     */
    Optional<SecretVersion> read(KvPath path, long version);

    /** Reads the path's KV v2 metadata; empty when the path has none. */
    Optional<SecretMetadata> metadata(KvPath path);

    /**
     * Merges {@code changes} into the path's {@code custom_metadata} in one call (a JSON merge
     * patch): an entry mapped to a value is set, one mapped to {@code null} is removed, entries not
     * named (a team's own) stay, and {@code max_versions}, {@code cas_required} and {@code
     * delete_version_after} are left as they are. A path without metadata is refused (404), so a
     * late call cannot bring back a secret that was deleted meanwhile.
     */
    void mergeCustomMetadata(KvPath path, Map<String, @Nullable String> changes);

    /**
     * Destroys the given versions for good: their data cannot be read back. Versions that do not
     * exist or are already destroyed are ignored.
     */
    void destroy(KvPath path, Collection<Long> versions);

    /** Deletes the path's metadata and every version. Does nothing when the path does not exist. */
    void deleteAll(KvPath path);
}
