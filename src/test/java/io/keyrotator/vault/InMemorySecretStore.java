package io.keyrotator.vault;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

/**
 * The fake {@link SecretStore} that unit tests use: KV v2 semantics in memory (CAS, versions,
 * {@code max_versions} pruning, custom metadata rules, destroy), plus switches for a sealed server
 * and a token limited to a path prefix. {@code SecretStoreContractTests} runs the same contract
 * against this and against real OpenBao, so the two cannot drift apart.
 */
public final class InMemorySecretStore implements SecretStore {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int DEFAULT_MAX_VERSIONS = 10;

    private final Map<KvPath, Secret> secrets;
    private final Clock clock;
    private final Predicate<KvPath> allowed;
    private final boolean[] sealed;

    public InMemorySecretStore(Clock clock) {
        this(new HashMap<>(), clock, path -> true, new boolean[1]);
    }

    private InMemorySecretStore(Map<KvPath, Secret> secrets, Clock clock, Predicate<KvPath> allowed, boolean[] sealed) {
        this.secrets = secrets;
        this.clock = clock;
        this.allowed = allowed;
        this.sealed = sealed;
    }

    /** A view of the same secrets through a token whose policy allows only paths under {@code prefix}. */
    public InMemorySecretStore restrictedTo(String prefix) {
        return new InMemorySecretStore(secrets, clock, path -> path.path().startsWith(prefix), sealed);
    }

    public synchronized void seal() {
        sealed[0] = true;
    }

    public synchronized void unseal() {
        sealed[0] = false;
    }

    /** What an operator changes on the metadata endpoint behind the service's back. */
    public synchronized void configure(KvPath path, int maxVersions, boolean casRequired, Duration deleteAfter) {
        Secret secret = secrets.computeIfAbsent(path, p -> new Secret());
        secret.maxVersions = maxVersions;
        secret.casRequired = casRequired;
        secret.deleteVersionAfter = deleteAfter;
    }

    @Override
    public synchronized WrittenVersion write(KvPath path, Map<String, ?> data, long cas) {
        check("write", path);
        Secret secret = secrets.computeIfAbsent(path, p -> new Secret());
        if (cas != secret.currentVersion) {
            throw CasMismatchException.writing(path, cas);
        }
        long version = ++secret.currentVersion;
        secret.versions.put(version, new Stored(clock.instant(), roundTrip(data), false));
        prune(secret);
        return new WrittenVersion(version, secret.versions.get(version).createdTime());
    }

    @Override
    public synchronized Optional<SecretVersion> read(KvPath path, long version) {
        check("read", path);
        Secret secret = secrets.get(path);
        if (secret == null) {
            return Optional.empty();
        }
        long wanted = version == LATEST ? secret.currentVersion : version;
        Stored stored = secret.versions.get(wanted);
        if (stored == null || stored.destroyed()) {
            return Optional.empty();
        }
        return Optional.of(new SecretVersion(wanted, stored.createdTime(), stored.data(), secret.customMetadata));
    }

    @Override
    public synchronized Optional<SecretMetadata> metadata(KvPath path) {
        check("read metadata", path);
        return Optional.ofNullable(secrets.get(path)).map(Secret::toMetadata);
    }

    @Override
    public synchronized void mergeCustomMetadata(KvPath path, Map<String, @Nullable String> changes) {
        check("write metadata", path);
        Secret secret = secrets.get(path);
        if (secret == null) {
            throw SecretStoreException.rejected("write metadata", path, 404);
        }
        Map<String, String> merged = new java.util.HashMap<>(secret.customMetadata);
        changes.forEach((name, value) -> {
            if (value == null) {
                merged.remove(name);
            } else {
                merged.put(name, value);
            }
        });
        CustomMetadataRules.validate(merged, path);
        secret.customMetadata = Map.copyOf(merged);
    }

    @Override
    public synchronized void destroy(KvPath path, Collection<Long> versions) {
        check("destroy", path);
        Secret secret = secrets.get(path);
        if (secret == null) {
            return;
        }
        for (Long version : versions) {
            Stored stored = secret.versions.get(version);
            if (stored != null) {
                secret.versions.put(version, new Stored(stored.createdTime(), Map.of(), true));
            }
        }
    }

    @Override
    public synchronized void deleteAll(KvPath path) {
        check("delete", path);
        secrets.remove(path);
    }

    private void check(String operation, KvPath path) {
        if (sealed[0]) {
            throw SecretStoreUnavailableException.sealed(operation, path);
        }
        if (!allowed.test(path)) {
            throw SecretStorePermissionDeniedException.of(operation, path);
        }
    }

    /** KV v2's AddVersion: keep at most max(max_versions, 10 when unset) versions. */
    private static void prune(Secret secret) {
        int max = secret.maxVersions > 0 ? secret.maxVersions : DEFAULT_MAX_VERSIONS;
        if (secret.currentVersion - secret.oldestVersion >= max) {
            for (long v = secret.oldestVersion; v <= secret.currentVersion - max; v++) {
                secret.versions.remove(v);
            }
            secret.oldestVersion = secret.currentVersion - max + 1;
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> roundTrip(Map<String, ?> data) {
        return JSON.readValue(JSON.writeValueAsString(data), Map.class);
    }

    private record Stored(java.time.Instant createdTime, Map<String, Object> data, boolean destroyed) {}

    private static final class Secret {
        long currentVersion;
        long oldestVersion;
        int maxVersions;
        boolean casRequired;
        Duration deleteVersionAfter = Duration.ZERO;
        Map<String, String> customMetadata = Map.of();
        final TreeMap<Long, Stored> versions = new TreeMap<>();

        SecretMetadata toMetadata() {
            TreeMap<Long, SecretMetadata.VersionInfo> infos = new TreeMap<>();
            versions.forEach(
                    (v, s) -> infos.put(v, new SecretMetadata.VersionInfo(s.createdTime(), null, s.destroyed())));
            return new SecretMetadata(
                    currentVersion, oldestVersion, maxVersions, casRequired, deleteVersionAfter, customMetadata, infos);
        }
    }

    /** KV v2's validateCustomMetadata, with a 400 like Vault's. */
    private static final class CustomMetadataRules {

        static void validate(Map<String, String> metadata, KvPath path) {
            boolean valid = metadata.size() <= 64
                    && metadata.entrySet().stream().allMatch(e -> fits(e.getKey(), 128) && fits(e.getValue(), 512));
            if (!valid) {
                throw SecretStoreException.rejected("write metadata", path, 400);
            }
        }

        private static boolean fits(@Nullable String text, int maxBytes) {
            if (text == null) {
                return false;
            }
            int bytes = text.getBytes(StandardCharsets.UTF_8).length;
            return bytes > 0 && bytes <= maxBytes && text.codePoints().noneMatch(Character::isISOControl);
        }
    }
}
