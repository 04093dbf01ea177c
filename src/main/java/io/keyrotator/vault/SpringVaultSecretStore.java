package io.keyrotator.vault;

import io.keyrotator.logging.LogMask;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.vault.core.VaultOperations;
import org.springframework.vault.core.VaultVersionedKeyValueOperations;
import org.springframework.vault.support.VaultResponse;
import org.springframework.vault.support.Versioned;
import org.springframework.vault.support.Versioned.Version;

/** The {@link SecretStore} over Spring Vault's KV v2 operations. */
class SpringVaultSecretStore implements SecretStore {

    private static final MediaType MERGE_PATCH = MediaType.parseMediaType("application/merge-patch+json");

    private final VaultOperations vault;

    SpringVaultSecretStore(VaultOperations vault) {
        this.vault = vault;
    }

    @Override
    public WrittenVersion write(KvPath path, Map<String, ?> data, long cas) {
        Versioned<Map<String, ?>> body =
                Versioned.<Map<String, ?>>create(new SecretData(data), Version.from(Math.toIntExact(cas)));
        try {
            Versioned.Metadata written = kv(path).put(path.path(), body);
            return new WrittenVersion(written.getVersion().getVersion(), written.getCreatedAt());
        } catch (RuntimeException e) {
            if (VaultErrors.isCasMismatch(e)) {
                throw CasMismatchException.writing(path, cas);
            }
            throw VaultErrors.translate("write", path, e);
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    public Optional<SecretVersion> read(KvPath path, long version) {
        Versioned<Map<String, Object>> read = call(
                "read",
                path,
                () -> version == LATEST
                        ? kv(path).get(path.path())
                        : kv(path).get(path.path(), Version.from(Math.toIntExact(version))));
        if (read == null || !read.hasData() || !read.hasMetadata()) {
            return Optional.empty();
        }
        read.getRequiredData().values().forEach(value -> {
            if (value instanceof String text) {
                LogMask.keyValue(text);
            }
        });
        Versioned.Metadata metadata = read.getRequiredMetadata();
        Map<String, String> custom = metadata.getCustomMetadata();
        return Optional.of(new SecretVersion(
                metadata.getVersion().getVersion(),
                metadata.getCreatedAt(),
                read.getRequiredData(),
                custom == null ? Map.of() : custom));
    }

    /**
     * Reads the metadata endpoint directly: Spring Vault 4.0's typed {@code VaultMetadataResponse}
     * drops {@code custom_metadata}.
     */
    @Override
    public Optional<SecretMetadata> metadata(KvPath path) {
        VaultResponse response = call("read metadata", path, () -> vault.read(metadataPath(path)));
        if (response == null || response.getData() == null) {
            return Optional.empty();
        }
        return Optional.of(MetadataMapper.fromResponse(response.getData()));
    }

    /**
     * A JSON merge patch of the metadata endpoint, which Spring Vault has no method for: one call,
     * where its metadata write would need a read first to send the other settings back.
     */
    @Override
    public void mergeCustomMetadata(KvPath path, Map<String, @Nullable String> changes) {
        Map<String, Object> patch = Map.of("custom_metadata", new LinkedHashMap<>(changes));
        HttpHeaders headers = new HttpHeaders();
        headers.setContentType(MERGE_PATCH);
        // the path is validated to [A-Za-z0-9._-] segments: no URI template or encoding issue
        run(
                "write metadata",
                path,
                () -> vault.doWithSession(rest -> rest.exchange(
                        metadataPath(path), HttpMethod.PATCH, new HttpEntity<>(patch, headers), Void.class)));
    }

    @Override
    public void destroy(KvPath path, Collection<Long> versions) {
        if (versions.isEmpty()) {
            return;
        }
        Version[] toDestroy =
                versions.stream().map(v -> Version.from(Math.toIntExact(v))).toArray(Version[]::new);
        run("destroy", path, () -> kv(path).destroy(path.path(), toDestroy));
    }

    @Override
    public void deleteAll(KvPath path) {
        run("delete", path, () -> kv(path).opsForKeyValueMetadata().delete(path.path()));
    }

    private VaultVersionedKeyValueOperations kv(KvPath path) {
        return vault.opsForVersionedKeyValue(path.mount());
    }

    private static String metadataPath(KvPath path) {
        return path.mount() + "/metadata/" + path.path();
    }

    private static <T> T call(String operation, KvPath path, Supplier<T> call) {
        try {
            return call.get();
        } catch (RuntimeException e) {
            throw VaultErrors.translate(operation, path, e);
        }
    }

    private static void run(String operation, KvPath path, Runnable call) {
        call(operation, path, () -> {
            call.run();
            return null;
        });
    }
}
