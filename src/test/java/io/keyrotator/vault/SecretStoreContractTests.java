package io.keyrotator.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The contract of {@link SecretStore}, run against real OpenBao and against {@link
 * InMemorySecretStore} (ShedLock's pattern: one abstract test, one subclass per implementation).
 */
abstract class SecretStoreContractTests {

    private static final String KEY = "pk_live_DoNotLeakThisKeyMaterial0123456789";

    protected abstract SecretStore store();

    protected abstract String mount();

    /** The store as seen through a token whose policy allows only paths starting with {@code prefix}. */
    protected abstract SecretStore storeRestrictedTo(String prefix);

    protected abstract void seal();

    protected abstract void unseal();

    /** Changes the path's metadata settings behind the store's back, as an operator would. */
    protected abstract void configureOutOfBand(KvPath path, int maxVersions, boolean casRequired, Duration deleteAfter);

    protected KvPath newPath(String prefix) {
        return KvPath.of(mount(), prefix + "/" + UUID.randomUUID());
    }

    @Test
    void writeWithCasZeroCreatesTheFirstVersionOnly() {
        KvPath path = newPath("contract");

        assertThat(store().write(path, Map.of("api_key", KEY), 0).version()).isEqualTo(1);
        assertThatThrownBy(() -> store().write(path, Map.of("api_key", "other"), 0))
                .isInstanceOfSatisfying(
                        CasMismatchException.class,
                        e -> assertThat(e.expectedVersion()).isZero());
    }

    @Test
    void writeWithStaleCasIsRefusedAndChangesNothing() {
        KvPath path = newPath("contract");
        store().write(path, Map.of("api_key", "one"), 0);
        store().write(path, Map.of("api_key", "two"), 1);

        assertThatThrownBy(() -> store().write(path, Map.of("api_key", KEY), 1))
                .isInstanceOf(CasMismatchException.class)
                .hasMessageNotContaining(KEY)
                .hasMessageNotContaining("check-and-set parameter");
        assertThat(store().read(path, SecretStore.LATEST).orElseThrow().string("api_key"))
                .isEqualTo("two");
    }

    @Test
    void readReturnsTheLatestOrTheRequestedVersion() {
        KvPath path = newPath("contract");
        store().write(path, Map.of("api_key", "a"), 0);
        store().write(path, Map.of("api_key", "b"), 1);
        store().write(path, Map.of("api_key", "c"), 2);

        SecretVersion latest = store().read(path, SecretStore.LATEST).orElseThrow();
        assertThat(latest.version()).isEqualTo(3);
        assertThat(latest.string("api_key")).isEqualTo("c");
        assertThat(store().read(path, 1).orElseThrow().string("api_key")).isEqualTo("a");
        assertThat(store().read(path, 7)).isEmpty();
    }

    @Test
    void unknownPathHasNeitherDataNorMetadata() {
        KvPath path = newPath("contract");

        assertThat(store().read(path, SecretStore.LATEST)).isEmpty();
        assertThat(store().read(path, 1)).isEmpty();
        assertThat(store().metadata(path)).isEmpty();
    }

    @Test
    void fieldsOfAnyJsonTypeComeBackUnchanged() {
        KvPath path = newPath("contract");
        Map<String, Object> data = Map.of(
                "api_key",
                KEY,
                "key_version",
                3,
                "enabled",
                true,
                "owner",
                Map.of("team", "payments", "tier", 1),
                "scopes",
                List.of("read", "write"));

        store().write(path, data, 0);

        assertThat(store().read(path, SecretStore.LATEST).orElseThrow().data()).isEqualTo(data);
    }

    @Test
    void customMetadataRoundTripsAndIsMergedEntryByEntry() {
        KvPath path = newPath("contract");
        store().write(path, Map.of("api_key", KEY), 0);

        store().mergeCustomMetadata(path, Map.of("managed-by", "keyrotator", "key-version", "1", "team", "payments"));
        assertThat(store().metadata(path).orElseThrow().customMetadata())
                .containsExactlyInAnyOrderEntriesOf(
                        Map.of("managed-by", "keyrotator", "key-version", "1", "team", "payments"));
        assertThat(store().read(path, SecretStore.LATEST).orElseThrow().customMetadata())
                .containsEntry("managed-by", "keyrotator");

        Map<String, String> changes = new HashMap<>();
        changes.put("key-version", null);
        changes.put("fingerprint", "0f3a9c1d2e4b5a69");
        store().mergeCustomMetadata(path, changes);
        assertThat(store().metadata(path).orElseThrow().customMetadata())
                .isEqualTo(Map.of("managed-by", "keyrotator", "team", "payments", "fingerprint", "0f3a9c1d2e4b5a69"));
    }

    @Test
    void customMetadataWriteKeepsTheOtherMetadataSettings() {
        KvPath path = newPath("contract");
        store().write(path, Map.of("api_key", KEY), 0);
        configureOutOfBand(path, 5, true, Duration.ofHours(1));

        store().mergeCustomMetadata(path, Map.of("managed-by", "keyrotator"));

        SecretMetadata metadata = store().metadata(path).orElseThrow();
        assertThat(metadata.maxVersions()).isEqualTo(5);
        assertThat(metadata.casRequired()).isTrue();
        assertThat(metadata.deleteVersionAfter()).isEqualTo(Duration.ofHours(1));
        assertThat(metadata.customMetadata()).isEqualTo(Map.of("managed-by", "keyrotator"));
    }

    @Test
    void customMetadataOfAPathWithoutMetadataIsRefusedAndCreatesNothing() {
        KvPath path = newPath("contract");

        assertThatThrownBy(() -> store().mergeCustomMetadata(path, Map.of("managed-by", "keyrotator")))
                .isExactlyInstanceOf(SecretStoreException.class)
                .hasMessageContaining("404");
        assertThat(store().metadata(path)).isEmpty();
    }

    @Test
    void customMetadataThatVaultCannotStoreIsRejected() {
        KvPath path = newPath("contract");
        store().write(path, Map.of("api_key", KEY), 0);
        Map<String, String> tooMany = new HashMap<>();
        IntStream.range(0, 65).forEach(i -> tooMany.put("k" + i, "v"));

        assertThatThrownBy(() -> store().mergeCustomMetadata(path, tooMany))
                .isExactlyInstanceOf(SecretStoreException.class)
                .hasMessageContaining("400");
        assertThatThrownBy(() -> store().mergeCustomMetadata(path, Map.of("fingerprint", "")))
                .isExactlyInstanceOf(SecretStoreException.class);
    }

    @Test
    void destroyedVersionsCannotBeReadBack() {
        KvPath path = newPath("contract");
        store().write(path, Map.of("api_key", "one"), 0);
        store().write(path, Map.of("api_key", "two"), 1);
        store().write(path, Map.of("api_key", "three"), 2);

        store().destroy(path, List.of(1L, 2L, 9L));

        assertThat(store().read(path, 1)).isEmpty();
        assertThat(store().read(path, 2)).isEmpty();
        assertThat(store().read(path, SecretStore.LATEST).orElseThrow().string("api_key"))
                .isEqualTo("three");
        SecretMetadata metadata = store().metadata(path).orElseThrow();
        assertThat(metadata.currentVersion()).isEqualTo(3);
        assertThat(metadata.versions().get(1L).destroyed()).isTrue();
        assertThat(metadata.versions().get(2L).readable()).isFalse();
        assertThat(metadata.versions().get(3L).readable()).isTrue();
    }

    @Test
    void deleteAllRemovesEveryVersionAndTheMetadata() {
        KvPath path = newPath("contract");
        store().write(path, Map.of("api_key", "one"), 0);
        store().write(path, Map.of("api_key", "two"), 1);

        store().deleteAll(path);
        store().deleteAll(newPath("contract"));

        assertThat(store().read(path, SecretStore.LATEST)).isEmpty();
        assertThat(store().metadata(path)).isEmpty();
        assertThat(store().write(path, Map.of("api_key", KEY), 0).version()).isEqualTo(1);
    }

    @Test
    void versionsBeyondTheDefaultMaxOfTenArePruned() {
        KvPath path = newPath("contract");

        IntStream.rangeClosed(1, 11).forEach(v -> store().write(path, Map.of("api_key", "k" + v), v - 1));

        SecretMetadata metadata = store().metadata(path).orElseThrow();
        assertThat(metadata.currentVersion()).isEqualTo(11);
        assertThat(metadata.oldestVersion()).isEqualTo(2);
        assertThat(metadata.versions().keySet())
                .containsExactlyElementsOf(
                        IntStream.rangeClosed(2, 11).mapToObj(Long::valueOf).toList());
        assertThat(store().read(path, 1)).isEmpty();
        assertThat(store().read(path, 2)).isPresent();
    }

    @Test
    void versionsBeyondAPathsMaxVersionsArePruned() {
        KvPath path = newPath("contract");
        store().write(path, Map.of("api_key", "k1"), 0);
        configureOutOfBand(path, 3, false, Duration.ZERO);

        IntStream.rangeClosed(2, 5).forEach(v -> store().write(path, Map.of("api_key", "k" + v), v - 1));

        assertThat(store().metadata(path).orElseThrow().versions().keySet()).containsExactly(3L, 4L, 5L);
        assertThat(store().read(path, 2)).isEmpty();
    }

    @Test
    void sealedVaultIsUnavailableAndKeepsItsData() {
        KvPath path = newPath("contract");
        store().write(path, Map.of("api_key", KEY), 0);

        seal();
        try {
            assertThatThrownBy(() -> store().read(path, SecretStore.LATEST))
                    .isInstanceOfSatisfying(
                            SecretStoreUnavailableException.class,
                            e -> assertThat(e.sealed()).isTrue());
            assertThatThrownBy(() -> store().write(path, Map.of("api_key", "x"), 1))
                    .isInstanceOf(SecretStoreUnavailableException.class);
            assertThatThrownBy(() -> store().metadata(path)).isInstanceOf(SecretStoreUnavailableException.class);
        } finally {
            unseal();
        }
        assertThat(store().read(path, SecretStore.LATEST).orElseThrow().string("api_key"))
                .isEqualTo(KEY);
    }

    @Test
    void tokenWhosePolicyForbidsThePathIsDenied() {
        SecretStore limited = storeRestrictedTo("allowed/");
        KvPath allowed = newPath("allowed");
        KvPath forbidden = newPath("forbidden");

        limited.write(allowed, Map.of("api_key", KEY), 0);
        limited.mergeCustomMetadata(allowed, Map.of("managed-by", "keyrotator"));
        assertThat(limited.read(allowed, SecretStore.LATEST)).isPresent();
        assertThatThrownBy(() -> limited.write(forbidden, Map.of("api_key", KEY), 0))
                .isInstanceOf(SecretStorePermissionDeniedException.class)
                .hasMessageNotContaining(KEY);
        assertThatThrownBy(() -> limited.read(forbidden, SecretStore.LATEST))
                .isInstanceOf(SecretStorePermissionDeniedException.class);
        assertThatThrownBy(() -> limited.metadata(forbidden)).isInstanceOf(SecretStorePermissionDeniedException.class);
    }
}
