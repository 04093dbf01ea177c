package io.keyrotator.rotation;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyrotator.rotation.protocol.KeyMaterial;
import io.keyrotator.rotation.schedule.RecoveryJob;
import io.keyrotator.support.Api;
import io.keyrotator.support.FaultProxy;
import io.keyrotator.support.KeyrotatorIntegrationTest;
import io.keyrotator.support.OpenBaoExtension;
import io.keyrotator.support.TestServices;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

/**
 * Vault's answer to a CAS write is ambiguous exactly where networks are: the write reached OpenBao
 * and was applied, and then the answer was lost, replaced or late. The service talks to OpenBao
 * through a {@link FaultProxy} that forwards the write and then spoils its answer; whatever the
 * answer, the service must read the write back and agree with what OpenBao holds.
 */
@KeyrotatorIntegrationTest
@TestPropertySource(
        properties = {"keyrotator.limits.min-manual-interval=PT0S", "spring.cloud.vault.read-timeout=20000"})
class AmbiguousVaultAnswerIntegrationTests {

    @RegisterExtension
    static final OpenBaoExtension vault = new OpenBaoExtension();

    static final FaultProxy proxy = FaultProxy.start(OpenBaoExtension.server().address());

    @LocalServerPort
    int port;

    @Autowired
    RecoveryJob recovery;

    @Autowired
    JdbcClient jdbc;

    Api api;

    @DynamicPropertySource
    static void services(DynamicPropertyRegistry registry) {
        TestServices.register(registry, vault);
        registry.add("spring.cloud.vault.uri", () -> proxy.address().toString());
    }

    @BeforeEach
    void client() {
        api = new Api(port, TestServices.TOKEN);
    }

    @AfterEach
    void heal() {
        proxy.healthy();
    }

    @AfterAll
    static void stopProxy() {
        proxy.close();
    }

    @Test
    void aWriteOpenBaoAppliedIsARotationEvenWhenTheAnswerIsA504() {
        String name = register();
        proxy.loseAnswers(1.0, FaultProxy.Loss.GATEWAY_TIMEOUT, Duration.ZERO);

        Api.Response rotated = api.post("/api/v1/keys/" + name + "/rotations", Map.of("reason", "504"));

        assertThat(proxy.answersLost()).isPositive();
        assertThat(rotated.status()).as(rotated.body()).isEqualTo(201);
        assertAgreesWithOpenBao(name, 2);
    }

    @Test
    void aWriteAProxySentTwiceIsOneRotationNotAConflict() {
        String name = register();
        proxy.loseAnswers(1.0, FaultProxy.Loss.SENT_TWICE, Duration.ZERO);

        Api.Response rotated = api.post("/api/v1/keys/" + name + "/rotations", Map.of("reason", "twice"));

        assertThat(rotated.status()).as(rotated.body()).isEqualTo(201);
        assertAgreesWithOpenBao(name, 2);
    }

    @Test
    void anAnswerThatArrivesAfterRecoveryConfirmedTheWriteIsASuccessNotAConflict() throws Exception {
        String name = register();
        proxy.loseAnswers(1.0, FaultProxy.Loss.LATE, Duration.ofSeconds(4));

        try (ExecutorService client = Executors.newSingleThreadExecutor()) {
            Future<Api.Response> rotation =
                    client.submit(() -> api.post("/api/v1/keys/" + name + "/rotations", Map.of("reason", "late")));
            Awaitility.await("the write applied in OpenBao, its answer still held back")
                    .atMost(Duration.ofSeconds(3))
                    .until(() -> kvVersion(name) == 2);
            proxy.healthy(); // recovery reads OpenBao through the proxy too
            Leases.runOut(jdbc);
            assertThat(recovery.runOnce()).as("what recovery repaired").isPositive();

            Api.Response rotated = rotation.get();
            assertThat(rotated.status()).as(rotated.body()).isEqualTo(201);
        }
        assertAgreesWithOpenBao(name, 2);
    }

    @Test
    void aRepeatArrivingAfterTheLeaseOfARequestStillWaitingForVaultRotatesNothing() throws Exception {
        String name = register();
        proxy.loseAnswers(1.0, FaultProxy.Loss.LATE, Duration.ofSeconds(4));
        Map<String, Object> body = Map.of("reason", "slow vault");

        try (ExecutorService client = Executors.newFixedThreadPool(2)) {
            Future<Api.Response> first = client.submit(
                    () -> api.post("/api/v1/keys/" + name + "/rotations", body, "Idempotency-Key", "slow-1"));
            Awaitility.await("the write applied in OpenBao, its answer still held back")
                    .atMost(Duration.ofSeconds(3))
                    .until(() -> kvVersion(name) == 2);
            proxy.healthy();
            Leases.runOut(jdbc);
            jdbc.sql("UPDATE idempotency_record SET created_at = created_at - interval '10 minutes'")
                    .update();
            Future<Api.Response> repeat = client.submit(
                    () -> api.post("/api/v1/keys/" + name + "/rotations", body, "Idempotency-Key", "slow-1"));

            Api.Response original = first.get();
            Api.Response repeated = repeat.get();
            assertThat(original.status()).as(original.body()).isEqualTo(201);
            assertThat(repeated.status()).as(repeated.body()).isEqualTo(201);
            assertThat(repeated.header("Idempotent-Replayed")).isEqualTo("true");
            assertThat(repeated.header("Location")).isEqualTo(original.header("Location"));
        }
        Api.Response muchLater = api.post("/api/v1/keys/" + name + "/rotations", body, "Idempotency-Key", "slow-1");
        assertThat(muchLater.header("Idempotent-Replayed")).isEqualTo("true");
        assertAgreesWithOpenBao(name, 2);
    }

    @Test
    void aWriteSomeoneElseMadeIsStillAConflict() {
        String name = register();
        vault.admin().call("POST", vault.mount() + "/data/api-keys/" + name, Map.of("data", Map.of("api_key", "x")));

        Api.Response rotated = api.post("/api/v1/keys/" + name + "/rotations", Map.of("reason", "foreign"));

        assertThat(rotated.status()).as(rotated.body()).isEqualTo(409);
        assertThat(api.get("/api/v1/keys/" + name).json()).containsEntry("state", "CONFLICT");
        assertThat(kvVersion(name)).as("the foreign write is left alone").isEqualTo(2);
    }

    /** The API, PostgreSQL and OpenBao agree on version {@code expected}, and it was announced once. */
    @SuppressWarnings("unchecked")
    private void assertAgreesWithOpenBao(String name, int expected) {
        Map<String, Object> view = api.get("/api/v1/keys/" + name).json();
        assertThat(view).containsEntry("state", "ACTIVE").containsEntry("currentVersion", expected);
        assertThat(kvVersion(name)).isEqualTo(expected);
        Map<String, Object> data = (Map<String, Object>) ((Map<String, Object>) vault.admin()
                        .call("GET", vault.mount() + "/data/api-keys/" + name, null)
                        .get("data"))
                .get("data");
        assertThat(KeyMaterial.fingerprintOf((String) data.get("api_key"))).isEqualTo(view.get("currentFingerprint"));
        assertThat(jdbc.sql("SELECT count(*) FROM webhook_event WHERE type = 'key.rotated' AND key_name = ?")
                        .param(name)
                        .query(Long.class)
                        .single())
                .isEqualTo(expected - 1L);
        assertThat(jdbc.sql("SELECT count(*) FROM vault_write_intent i JOIN managed_key k ON k.id = i.key_id"
                                + " WHERE k.name = ? AND i.state = 'PENDING'")
                        .param(name)
                        .query(Long.class)
                        .single())
                .isZero();
    }

    @SuppressWarnings("unchecked")
    private long kvVersion(String name) {
        Map<String, Object> metadata = (Map<String, Object>) vault.admin()
                .call("GET", vault.mount() + "/metadata/api-keys/" + name, null)
                .get("data");
        return ((Number) metadata.get("current_version")).longValue();
    }

    private String register() {
        String name = "ambiguous-" + UUID.randomUUID().toString().substring(0, 8);
        Api.Response created = api.post("/api/v1/keys", Map.of("name", name));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return name;
    }
}
