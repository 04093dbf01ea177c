package io.keyrotator.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keyrotator.support.OpenBaoAdmin;
import io.keyrotator.support.OpenBaoExtension;
import io.keyrotator.support.TestDatabase;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The application logs in to OpenBao with AppRole, the way Spring Cloud Vault users configure it,
 * and its token's policy confines it to one KV prefix.
 */
// closed after the class: no background work of it reaches the next class's data
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
@SpringBootTest(webEnvironment = WebEnvironment.NONE)
class VaultAppRoleAuthenticationIntegrationTests {

    @RegisterExtension
    static final OpenBaoExtension vault = new OpenBaoExtension();

    @Autowired
    SecretStore secretStore;

    @DynamicPropertySource
    static void appRole(DynamicPropertyRegistry registry) {
        OpenBaoAdmin admin = vault.admin();
        String authPath = "approle-" + UUID.randomUUID().toString().substring(0, 8);
        String mount = vault.mount();
        admin.call("POST", "sys/auth/" + authPath, Map.of("type", "approle"));
        admin.writePolicy(authPath, """
                path "%1$s/data/api-keys/*"     { capabilities = ["create", "read", "update"] }
                path "%1$s/metadata/api-keys/*" { capabilities = ["create", "read", "update", "patch", "delete"] }
                path "%1$s/destroy/api-keys/*"  { capabilities = ["update"] }
                """.formatted(mount));
        String role = "auth/" + authPath + "/role/keyrotator";
        admin.call("POST", role, Map.of("token_policies", authPath, "token_ttl", "10m"));
        String roleId = data(admin.call("GET", role + "/role-id", null)).get("role_id");
        String secretId = data(admin.call("POST", role + "/secret-id", null)).get("secret_id");

        TestDatabase.shared().registerProperties(registry);
        registry.add("spring.cloud.vault.uri", () -> vault.address().toString());
        registry.add("spring.cloud.vault.authentication", () -> "APPROLE");
        registry.add("spring.cloud.vault.app-role.role-id", () -> roleId);
        registry.add("spring.cloud.vault.app-role.secret-id", () -> secretId);
        registry.add("spring.cloud.vault.app-role.app-role-path", () -> authPath);
        registry.add("keyrotator.vault.mount", () -> mount);
    }

    @Test
    void appRoleLoginWritesInsideItsPolicy() {
        KvPath path = KvPath.of(vault.mount(), "api-keys/approle-demo");

        assertThat(secretStore.write(path, Map.of("api_key", "demo"), 0).version())
                .isEqualTo(1);
        secretStore.mergeCustomMetadata(path, Map.of("managed-by", "keyrotator"));
        assertThat(secretStore.read(path, SecretStore.LATEST).orElseThrow().customMetadata())
                .containsEntry("managed-by", "keyrotator");
    }

    @Test
    void appRoleTokenCannotLeaveItsPrefix() {
        KvPath outside = KvPath.of(vault.mount(), "other-team/db-password");

        assertThatThrownBy(() -> secretStore.write(outside, Map.of("api_key", "x"), 0))
                .isInstanceOf(SecretStorePermissionDeniedException.class);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> data(Map<String, Object> response) {
        return (Map<String, String>) response.get("data");
    }
}
