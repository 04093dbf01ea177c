package io.keyrotator.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keyrotator.rotation.schedule.SchedulerProbe;
import io.keyrotator.support.Api;
import io.keyrotator.support.KeyrotatorIntegrationTest;
import io.keyrotator.support.MutableClock;
import io.keyrotator.support.OpenBaoServer;
import io.keyrotator.support.TestDatabase;
import io.keyrotator.support.TestServices;
import io.keyrotator.vault.KvPath;
import io.keyrotator.vault.SecretStore;
import io.keyrotator.vault.SecretStorePermissionDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

/**
 * The policy shipped in deploy/vault/keyrotator-policy.hcl is all keyrotator needs: loaded into
 * OpenBao, with keyrotator logged in through AppRole holding only that policy, the whole life of a
 * key works, and anything outside the prefix is refused by OpenBao itself.
 */
@KeyrotatorIntegrationTest
@TestPropertySource(properties = "keyrotator.webhooks.allowed-hosts=127.0.0.1/32")
class LeastPrivilegeIntegrationTests {

    static final OpenBaoServer server = OpenBaoServer.startDev();

    @LocalServerPort
    int port;

    @Autowired
    SecretStore store;

    @Autowired
    MutableClock clock;

    @Autowired
    org.springframework.jdbc.core.simple.JdbcClient jdbc;

    @Autowired
    SchedulerProbe scheduler;

    @DynamicPropertySource
    static void appRoleWithTheShippedPolicy(DynamicPropertyRegistry registry) throws Exception {
        var admin = server.admin();
        admin.writePolicy("keyrotator", Files.readString(Path.of("deploy/vault/keyrotator-policy.hcl")));
        admin.call("POST", "sys/auth/approle", Map.of("type", "approle"));
        admin.call("POST", "auth/approle/role/keyrotator", Map.of("token_policies", "keyrotator"));
        String roleId = data(admin.call("GET", "auth/approle/role/keyrotator/role-id", null))
                .get("role_id");
        String secretId = data(admin.call("POST", "auth/approle/role/keyrotator/secret-id", null))
                .get("secret_id");
        TestDatabase.shared().registerProperties(registry);
        registry.add("spring.cloud.vault.uri", () -> server.address().toString());
        registry.add("spring.cloud.vault.authentication", () -> "APPROLE");
        registry.add("spring.cloud.vault.app-role.role-id", () -> roleId);
        registry.add("spring.cloud.vault.app-role.secret-id", () -> secretId);
    }

    @AfterAll
    static void stop() {
        server.stop();
    }

    @Test
    void theWholeLifeOfAKeyWorksWithOnlyThePolicy() {
        Api api = new Api(port, TestServices.TOKEN);
        assertThat(api.post("/api/v1/keys", Map.of("name", "least", "overlap", "PT1H"))
                        .status())
                .isEqualTo(201);
        assertThat(api.post("/api/v1/keys/least/rotations", null).status()).isEqualTo(201);

        clock.advance(Duration.ofHours(1).plusSeconds(1));
        io.keyrotator.support.PendingVaultSync.awaitNone(jdbc);
        scheduler.runOnce();
        assertThat(api.get("/api/v1/keys/least").json())
                .containsEntry("previousVersion", null)
                .containsEntry("lastFailure", null);
        KvPath path = KvPath.of("secret", "api-keys/least");
        io.keyrotator.support.PendingVaultSync.awaitNone(jdbc);
        assertThat(store.read(path, 1)).as("destroyed under the policy").isEmpty();
        assertThat(store.read(path, SecretStore.LATEST).orElseThrow().customMetadata())
                .containsEntry("key-version", "2");

        assertThat(api.post("/api/v1/keys/least/rotations", Map.of("overlap", "PT0S"))
                        .status())
                .isEqualTo(201);
        Api.Response hook =
                api.post("/api/v1/webhooks", Map.of("url", "http://127.0.0.1:9/hook", "events", List.of("ping")));
        assertThat(hook.status()).as(hook.body()).isEqualTo(201);
        assertThat(api.delete("/api/v1/webhooks/" + hook.json().get("id")).status())
                .isEqualTo(204);
        assertThat(api.delete("/api/v1/keys/least?purge=true").status()).isEqualTo(204);
        // the purge really removed the secret and its history from OpenBao, under the policy
        assertThatThrownBy(() -> server.admin().call("GET", "secret/metadata/api-keys/least", null))
                .hasMessageContaining("HTTP 404");
    }

    @Test
    void openBaoRefusesEverythingOutsideThePrefix() {
        assertThatThrownBy(() -> store.write(KvPath.of("secret", "payments/db-password"), Map.of("x", "y"), 0))
                .isInstanceOf(SecretStorePermissionDeniedException.class);
        assertThatThrownBy(() -> store.read(KvPath.of("secret", "payments/db-password"), SecretStore.LATEST))
                .isInstanceOf(SecretStorePermissionDeniedException.class);
        Api api = new Api(port, TestServices.TOKEN);
        Api.Response outside = api.post("/api/v1/keys", Map.of("name", "outside", "vaultPath", "payments/api"));
        assertThat(outside.status()).isEqualTo(503);
        assertThat(outside.json()).containsEntry("type", "urn:keyrotator:problem:vault-unavailable");
        assertThat(api.get("/api/v1/keys/outside").status()).isEqualTo(404);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> data(Map<String, Object> response) {
        return (Map<String, String>) response.get("data");
    }
}
