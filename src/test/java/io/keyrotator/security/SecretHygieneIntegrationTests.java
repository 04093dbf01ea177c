package io.keyrotator.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyrotator.rotation.protocol.RecordingKeyGenerator;
import io.keyrotator.support.Api;
import io.keyrotator.support.Harvest;
import io.keyrotator.support.KeyrotatorIntegrationTest;
import io.keyrotator.support.OpenBaoAdmin;
import io.keyrotator.support.OpenBaoExtension;
import io.keyrotator.support.OpenBaoServer;
import io.keyrotator.support.TestDatabase;
import io.keyrotator.support.TestServices;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

/**
 * With DEBUG logging for our packages and for Spring Vault, no key, webhook signing secret, Vault
 * token, AppRole secret id or database password reaches the output, from start-up on.
 */
@KeyrotatorIntegrationTest
@ExtendWith(OutputCaptureExtension.class)
@TestPropertySource(
        properties = {
            "logging.level.io.keyrotator=DEBUG",
            "logging.level.org.springframework.vault=DEBUG",
            "logging.level.org.springframework.cloud.vault=DEBUG",
            "keyrotator.webhooks.allowed-hosts=127.0.0.1/32"
        })
class SecretHygieneIntegrationTests {

    @RegisterExtension
    static final OpenBaoExtension vault = new OpenBaoExtension();

    static String secretId;

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void appRole(DynamicPropertyRegistry registry) {
        OpenBaoAdmin admin = vault.admin();
        String authPath = "approle-" + UUID.randomUUID().toString().substring(0, 8);
        admin.call("POST", "sys/auth/" + authPath, Map.of("type", "approle"));
        admin.writePolicy(
                authPath,
                "path \"" + vault.mount() + "/*\" { capabilities = [\"create\", \"read\","
                        + " \"update\", \"patch\", \"delete\", \"list\"] }");
        String role = "auth/" + authPath + "/role/keyrotator";
        admin.call("POST", role, Map.of("token_policies", authPath));
        @SuppressWarnings("unchecked")
        Map<String, String> roleId =
                (Map<String, String>) admin.call("GET", role + "/role-id", null).get("data");
        @SuppressWarnings("unchecked")
        Map<String, String> secret = (Map<String, String>)
                admin.call("POST", role + "/secret-id", null).get("data");
        secretId = secret.get("secret_id");
        TestDatabase.shared().registerProperties(registry);
        registry.add("spring.cloud.vault.uri", () -> vault.address().toString());
        registry.add("spring.cloud.vault.authentication", () -> "APPROLE");
        registry.add("spring.cloud.vault.app-role.role-id", () -> roleId.get("role_id"));
        registry.add("spring.cloud.vault.app-role.secret-id", () -> secretId);
        registry.add("spring.cloud.vault.app-role.app-role-path", () -> authPath);
        registry.add("keyrotator.vault.mount", vault::mount);
    }

    @Test
    void nothingSecretReachesTheLogsEvenAtDebug(CapturedOutput output) {
        int before = RecordingKeyGenerator.generated().size();
        Api api = new Api(port, TestServices.TOKEN);
        api.post("/api/v1/keys", Map.of("name", "hygiene"));
        api.post("/api/v1/keys/hygiene/rotations", Map.of("reason", "hygiene check"));
        api.post("/api/v1/keys/hygiene/rotations", Map.of("overlap", "PT0S"));
        Api.Response hook = api.post(
                "/api/v1/webhooks",
                Map.of(
                        "url",
                        "http://127.0.0.1:9/x",
                        "events",
                        List.of("key.rotated"),
                        "authorization",
                        "Bearer receiver-credential-xyz"));
        Api.Response rotated = api.post("/api/v1/webhooks/" + hook.json().get("id") + "/secret/rotate", null);
        List<String> secrets = new ArrayList<>(RecordingKeyGenerator.generated()
                .subList(before, RecordingKeyGenerator.generated().size()));
        secrets.add((String) hook.json().get("secret"));
        secrets.add((String) rotated.json().get("secret"));
        secrets.add("receiver-credential-xyz");
        secrets.add(secretId);
        secrets.add(vault.token());
        secrets.add(TestDatabase.shared().password());
        assertThat(api.delete("/api/v1/webhooks/" + hook.json().get("id")).status())
                .isEqualTo(204);
        // the Vault token the service got for its AppRole login, as OpenBao's raw audit log shows it
        Harvest.fromAuditLog(OpenBaoServer.AUDIT_LOGS.resolve(vault.address().getPort() + ".log"));
        List<String> issued = Harvest.secrets().stream()
                .filter(value -> value.startsWith("s.") || value.startsWith("hvs."))
                .toList();

        String logs = output.getAll();

        assertThat(secrets).hasSizeGreaterThanOrEqualTo(9).doesNotContainNull();
        assertThat(issued)
                .as("tokens OpenBao issued, the AppRole login's among them")
                .isNotEmpty();
        assertThat(logs).contains("DEBUG").contains("keyrotator.audit").contains("hygiene check");
        for (String secret : secrets) {
            assertThat(logs.contains(secret)).as("a secret in the DEBUG output").isFalse();
        }
        assertThat(Harvest.foundIn(logs, java.util.Set.copyOf(issued)))
                .as("Vault tokens in the DEBUG output")
                .isEmpty();
    }
}
