package io.keyrotator.vault;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * A path's KV v2 metadata. {@code versions} holds the versions Vault still knows (pruned ones are
 * gone), by number.
 */
public record SecretMetadata(
        long currentVersion,
        long oldestVersion,
        int maxVersions,
        boolean casRequired,
        Duration deleteVersionAfter,
        Map<String, String> customMetadata,
        SortedMap<Long, VersionInfo> versions) {

    public SecretMetadata {
        customMetadata = Map.copyOf(customMetadata);
        versions = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(versions));
    }

    /** One version as the metadata endpoint lists it. */
    public record VersionInfo(Instant createdTime, @Nullable Instant deletionTime, boolean destroyed) {

        /** Whether the version's data can still be read. */
        public boolean readable() {
            return !destroyed && deletionTime == null;
        }
    }
}
