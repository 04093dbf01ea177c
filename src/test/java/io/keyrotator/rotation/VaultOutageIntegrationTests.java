package io.keyrotator.rotation;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyrotator.rotation.schedule.RotationScheduler;
import io.keyrotator.support.Api;
import io.keyrotator.support.KeyrotatorIntegrationTest;
import io.keyrotator.support.MutableClock;
import io.keyrotator.support.OpenBaoServer;
import io.keyrotator.support.TestDatabase;
import io.keyrotator.support.TestServices;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * OpenBao sealed, frozen (SIGSTOP) or restarted: the old key stays current and valid, the failure
 * is recorded, and the key is retried with backoff once Vault is back. Runs against an OpenBao of
 * its own, on raft storage so that it survives a restart.
 */
@KeyrotatorIntegrationTest
class VaultOutageIntegrationTests {

    static final OpenBaoServer server = startServer();

    @LocalServerPort
    int port;

    @Autowired
    MutableClock clock;

    @Autowired
    RotationScheduler scheduler;

    @Autowired
    org.springframework.jdbc.core.simple.JdbcClient jdbc;

    Api api;

    @DynamicPropertySource
    static void services(DynamicPropertyRegistry registry) {
        TestDatabase.shared().registerProperties(registry);
        registry.add("spring.cloud.vault.uri", () -> server.address().toString());
        registry.add("spring.cloud.vault.token", server::rootToken);
        registry.add("spring.cloud.vault.read-timeout", () -> "1500");
        registry.add("spring.cloud.vault.connection-timeout", () -> "1000");
    }

    @BeforeEach
    void client() {
        api = new Api(port, TestServices.TOKEN);
    }

    @AfterEach
    void vaultBack() {
        server.resume();
        server.start();
        if (server.admin().call("GET", "sys/seal-status", null).get("sealed") == Boolean.TRUE) {
            server.unseal();
        }
    }

    @AfterAll
    static void stopServer() {
        server.stop();
    }

    @Test
    void sealedVaultLeavesTheOldKeyCurrentAndTheKeyIsRetriedOnceUnsealed() {
        String name = register();
        server.seal();

        Api.Response refused = api.post("/api/v1/keys/" + name + "/rotations", null);

        assertThat(refused.status()).isEqualTo(503);
        assertThat(refused.json()).containsEntry("type", "urn:keyrotator:problem:vault-unavailable");
        assertThat(refused.body()).doesNotContainIgnoringCase("sealed\"").doesNotContain("errors\":[\"");
        assertFailedAndStillOnVersionOne(name, "vault-sealed");
        scheduler.runOnce();
        assertThat(api.get("/api/v1/keys/" + name + "/versions")
                        .json()
                        .get("items")
                        .toString())
                .as("no retry before the backoff")
                .doesNotContain("version=3");

        server.unseal();
        clock.advance(Duration.ofMinutes(1).plusSeconds(1));
        scheduler.runOnce();

        assertThat(api.get("/api/v1/keys/" + name).json())
                .containsEntry("currentVersion", 3)
                .containsEntry("lastFailure", null)
                .containsEntry("nextAttemptAt", null);
    }

    @Test
    void frozenVaultTimesOutAndTheKeyIsRetriedOnceItAnswers() {
        String name = register();
        server.pause();

        Api.Response refused = api.post("/api/v1/keys/" + name + "/rotations", null);

        assertThat(refused.status()).isEqualTo(503);
        assertFailedAndStillOnVersionOne(name, "vault-unavailable");

        server.resume();
        clock.advance(Duration.ofMinutes(1).plusSeconds(1));
        scheduler.runOnce();
        assertThat(api.get("/api/v1/keys/" + name).json()).containsEntry("currentVersion", 3);
    }

    @Test
    void restartedVaultKeepsTheKeyAndRotationResumes() {
        String name = register();
        server.stop();

        assertThat(api.post("/api/v1/keys/" + name + "/rotations", null).status())
                .isEqualTo(503);
        assertFailedAndStillOnVersionOne(name, "vault-unavailable");

        server.start();
        clock.advance(Duration.ofMinutes(1).plusSeconds(1));
        scheduler.runOnce();
        assertThat(api.get("/api/v1/keys/" + name).json()).containsEntry("currentVersion", 3);
    }

    /**
     * Regression (reliability suite, Vault-fault scenario): a sealed Vault used to cost one failing
     * attempt per due key on every tick. The tick now stops at the first sealed answer; the keys it
     * did not try stay due, without a failure and without a backoff.
     */
    @Test
    void aSealedVaultStopsTheTickInsteadOfFailingEveryDueKey() {
        List<String> names = java.util.stream.IntStream.range(0, 30)
                .mapToObj(i -> register())
                .toList();
        server.seal();
        clock.advance(Duration.ofDays(31));

        java.time.Instant before = clock.instant();
        scheduler.runOnce();

        // over every key the tick could claim: earlier tests' keys of this class are due too
        long failed = jdbc.sql("SELECT count(*) FROM managed_key WHERE last_failure_at >= ?")
                .param(java.sql.Timestamp.from(before))
                .query(Long.class)
                .single();
        long untried = names.stream()
                .filter(name -> api.get("/api/v1/keys/" + name).json().get("lastFailure") == null)
                .count();
        assertThat(untried).as("keys left due without a failure").isGreaterThanOrEqualTo(names.size() - 8L);
        assertThat(failed)
                .as("at least the rotation that met the seal, at most the rotations in flight then")
                .isBetween(1L, 8L);
    }

    private void assertFailedAndStillOnVersionOne(String name, String reason) {
        Map<String, Object> view = api.get("/api/v1/keys/" + name).json();
        assertThat(view).containsEntry("currentVersion", 1).containsEntry("state", "ACTIVE");
        assertThat(view.get("lastFailure").toString()).contains("reason=" + reason);
        assertThat(view.get("nextAttemptAt")).isNotNull();
        assertThat(api.get("/api/v1/keys/" + name + "/versions/2").json())
                .containsEntry("state", "FAILED")
                .containsEntry("failure", reason)
                .containsEntry("vaultVersion", null);
    }

    private String register() {
        String name = "key-" + UUID.randomUUID().toString().substring(0, 8);
        Api.Response created = api.post("/api/v1/keys", Map.of("name", name));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return name;
    }

    private static OpenBaoServer startServer() {
        try {
            return OpenBaoServer.startPersistent(
                    Files.createTempDirectory("openbao-outage-").resolve("data"));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
