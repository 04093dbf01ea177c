package io.keyrotator.rotation;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyrotator.rotation.protocol.KeyMaterial;
import io.keyrotator.support.Api;
import io.keyrotator.support.KeyrotatorIntegrationTest;
import io.keyrotator.support.OpenBaoExtension;
import io.keyrotator.support.PendingVaultSync;
import io.keyrotator.support.TestServices;
import io.keyrotator.vault.KvPath;
import io.keyrotator.vault.SecretStore;
import io.keyrotator.vault.SecretVersion;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * What operators and tools do to a key's path behind keyrotator's back (a soft delete, a path
 * deleted and written again from version 1) must end in CONFLICT that the API resolves, with every
 * retired key destroyed afterwards.
 */
@KeyrotatorIntegrationTest
class OutOfBandVaultChangesIntegrationTests {

    @RegisterExtension
    static final OpenBaoExtension vault = new OpenBaoExtension();

    @LocalServerPort
    int port;

    @Autowired
    SecretStore store;

    @Autowired
    JdbcClient jdbc;

    Api api;

    @DynamicPropertySource
    static void services(DynamicPropertyRegistry registry) {
        TestServices.register(registry, vault);
    }

    @BeforeEach
    void client() {
        api = new Api(port, TestServices.TOKEN);
    }

    @Test
    void aSoftDeletedNewestVersionIsAConflictThatARotationWithOverwriteResolvesAndDestroys() {
        String name = register();
        assertThat(api.post("/api/v1/keys/" + name + "/rotations", null).status())
                .isEqualTo(201);
        PendingVaultSync.awaitNone(jdbc);
        // bao kv delete: the newest version (2, with the current and the previous key) is soft-deleted
        vault.admin().call("DELETE", vault.mount() + "/data/" + pathOf(name), null);

        long started = System.nanoTime();
        Api.Response refused = api.post("/api/v1/keys/" + name + "/rotations", null);
        assertThat(refused.status()).as(refused.body()).isEqualTo(409);
        assertThat((System.nanoTime() - started) / 1_000_000)
                .as("seen as a conflict at once, not after retried stale reads")
                .isLessThan(1000);
        assertThat(api.get("/api/v1/keys/" + name).json()).containsEntry("state", "CONFLICT");
        Api.Response adopt = api.post("/api/v1/keys/" + name + "/adopt", null);
        assertThat(adopt.status()).isEqualTo(409);
        assertThat((String) adopt.json().get("detail")).contains("deleted").contains("overwrite");

        Api.Response rotated = api.post("/api/v1/keys/" + name + "/rotations", Map.of("overwrite", true));

        assertThat(rotated.status()).as(rotated.body()).isEqualTo(201);
        assertThat(api.get("/api/v1/keys/" + name).json())
                .containsEntry("state", "ACTIVE")
                .containsEntry("currentVersion", rotated.json().get("version"));
        SecretVersion latest = latest(name);
        assertThat(latest.version())
                .as("the KV version, over the soft-deleted 2")
                .isEqualTo(3);
        assertThat(KeyMaterial.fingerprintOf(latest.string("api_key")))
                .isEqualTo(rotated.json().get("fingerprint"));
        assertThat(latest.data()).doesNotContainKey("previous_api_key");
        PendingVaultSync.awaitNone(jdbc);
        assertThat(destroyed(name, 1)).as("version 1, retired").isTrue();
        assertThat(destroyed(name, 2))
                .as("version 2, soft-deleted: an undelete must not bring its keys back")
                .isTrue();
        assertThat(destroyed(name, 3)).isFalse();
    }

    @Test
    void aPathRecreatedFromVersionOneIsAdoptedAndItsRetiredVersionsAreDestroyedAgain() {
        String name = register();
        for (int i = 0; i < 2; i++) {
            assertThat(api.post("/api/v1/keys/" + name + "/rotations", Map.of("overlap", "PT0S"))
                            .status())
                    .isEqualTo(201);
        }
        PendingVaultSync.awaitNone(jdbc);
        // kv metadata delete, then a restore from a backup: versions 1 and 2 again, at a path that
        // keyrotator's watermarks say was destroyed up to version 3
        store.deleteAll(path(name));
        store.write(path(name), Map.of("api_key", "restored-older"), 0);
        store.write(path(name), Map.of("api_key", "restored-newest"), 1);

        assertThat(api.post("/api/v1/keys/" + name + "/rotations", null).status())
                .isEqualTo(409);
        Api.Response adopted = api.post("/api/v1/keys/" + name + "/adopt", null);

        assertThat(adopted.status()).as(adopted.body()).isEqualTo(200);
        assertThat(adopted.json())
                .containsEntry("state", "ACTIVE")
                .containsEntry("currentFingerprint", KeyMaterial.fingerprintOf("restored-newest"));
        PendingVaultSync.awaitNone(jdbc);
        assertThat(destroyed(name, 1)).as("the restored older key").isTrue();
        assertThat(latest(name).string("api_key")).isEqualTo("restored-newest");

        assertThat(api.post("/api/v1/keys/" + name + "/rotations", null).status())
                .isEqualTo(201);
        assertThat(latest(name).string("previous_api_key")).isEqualTo("restored-newest");
        assertThat(api.post("/api/v1/keys/" + name + "/rotations", Map.of("overlap", "PT0S"))
                        .status())
                .isEqualTo(201);
        PendingVaultSync.awaitNone(jdbc);
        assertThat(destroyed(name, 2)).isTrue();
        assertThat(destroyed(name, 3)).isTrue();
        assertThat(latest(name).version()).isEqualTo(4);
    }

    private boolean destroyed(String name, int version) {
        Map<String, Object> metadata = vault.admin().call("GET", vault.mount() + "/metadata/" + pathOf(name), null);
        Map<?, ?> versions = (Map<?, ?>) ((Map<?, ?>) metadata.get("data")).get("versions");
        return Boolean.TRUE.equals(((Map<?, ?>) versions.get(String.valueOf(version))).get("destroyed"));
    }

    private String register() {
        String name = "key-" + UUID.randomUUID().toString().substring(0, 8);
        Api.Response created = api.post("/api/v1/keys", Map.of("name", name));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return name;
    }

    private SecretVersion latest(String name) {
        return store.read(path(name), SecretStore.LATEST).orElseThrow();
    }

    private static String pathOf(String name) {
        return "api-keys/" + name;
    }

    private KvPath path(String name) {
        return KvPath.of(vault.mount(), pathOf(name));
    }
}
