package io.keyrotator.vault;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import org.springframework.vault.support.DurationParser;

/**
 * Maps the {@code data} of a KV v2 metadata response (see docs/architecture.md#what-the-vault-port-hides)
 * to our record.
 */
final class MetadataMapper {

    private MetadataMapper() {}

    @SuppressWarnings("unchecked")
    static SecretMetadata fromResponse(Map<String, Object> data) {
        TreeMap<Long, SecretMetadata.VersionInfo> versions = new TreeMap<>();
        Object listed = data.get("versions");
        if (listed instanceof Map<?, ?> map) {
            ((Map<String, Map<String, Object>>) map)
                    .forEach((number, info) -> versions.put(Long.valueOf(number), versionInfo(info)));
        }
        Object custom = data.get("custom_metadata");
        Duration deleteAfter = DurationParser.parseDuration(String.valueOf(data.get("delete_version_after")));
        return new SecretMetadata(
                number(data.get("current_version")),
                number(data.get("oldest_version")),
                Math.toIntExact(number(data.get("max_versions"))),
                Boolean.TRUE.equals(data.get("cas_required")),
                deleteAfter == null ? Duration.ZERO : deleteAfter,
                custom instanceof Map<?, ?> map ? (Map<String, String>) map : Map.of(),
                versions);
    }

    private static SecretMetadata.VersionInfo versionInfo(Map<String, Object> info) {
        return new SecretMetadata.VersionInfo(
                instant(info.get("created_time")),
                optionalInstant(info.get("deletion_time")),
                Boolean.TRUE.equals(info.get("destroyed")));
    }

    private static long number(@Nullable Object value) {
        return value instanceof Number n ? n.longValue() : 0L;
    }

    private static Instant instant(@Nullable Object value) {
        Instant instant = optionalInstant(value);
        return instant == null ? Instant.EPOCH : instant;
    }

    private static @Nullable Instant optionalInstant(@Nullable Object value) {
        return value instanceof String text && !text.isEmpty() ? Instant.parse(text) : null;
    }
}
