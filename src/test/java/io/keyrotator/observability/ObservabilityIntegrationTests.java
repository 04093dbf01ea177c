package io.keyrotator.observability;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.keyrotator.support.Api;
import io.keyrotator.support.KeyrotatorIntegrationTest;
import io.keyrotator.support.OpenBaoExtension;
import io.keyrotator.support.TestServices;
import io.keyrotator.vault.KvPath;
import io.keyrotator.vault.SecretStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

/** What an operator's Prometheus scrapes after rotations, a conflict and webhook deliveries. */
@KeyrotatorIntegrationTest
@TestPropertySource(properties = "keyrotator.webhooks.allowed-hosts=127.0.0.1/32")
class ObservabilityIntegrationTests {

    @RegisterExtension
    static final OpenBaoExtension vault = new OpenBaoExtension();

    @RegisterExtension
    static final WireMockExtension receiver = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"))
            .build();

    @LocalServerPort
    int port;

    @LocalManagementPort
    int managementPort;

    @Autowired
    SecretStore store;

    @Autowired
    KeyGauges gauges;

    @DynamicPropertySource
    static void services(DynamicPropertyRegistry registry) {
        TestServices.register(registry, vault);
    }

    @Test
    void prometheusShowsRotationsFailuresKeysAndDeliveries() throws Exception {
        Api api = new Api(port, TestServices.TOKEN);
        receiver.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(204)));
        api.post(
                "/api/v1/webhooks",
                Map.of(
                        "url",
                        "http://127.0.0.1:" + receiver.getPort() + "/h",
                        "events",
                        List.of("key.rotated"),
                        "keys",
                        List.of("observed")));
        api.post("/api/v1/keys", Map.of("name", "observed"));
        api.post("/api/v1/keys", Map.of("name", "conflicted"));
        api.post("/api/v1/keys/observed/rotations", null);
        KvPath conflicted = KvPath.of(vault.mount(), "api-keys/conflicted");
        store.write(
                conflicted,
                Map.of("api_key", "by-hand"),
                store.read(conflicted, SecretStore.LATEST).orElseThrow().version());
        assertThat(api.post("/api/v1/keys/conflicted/rotations", null).status()).isEqualTo(409);
        Awaitility.await()
                .atMost(Duration.ofSeconds(5))
                .until(() -> !receiver.getAllServeEvents().isEmpty());

        gauges.refresh();
        String scrape = scrape();

        assertThat(scrape)
                .contains("keyrotator_rotations_total{key=\"observed\",outcome=\"success\",trigger=\"manual\"} 1.0")
                .contains("keyrotator_rotations_total{key=\"conflicted\",outcome=\"conflict\",trigger=\"manual\"} 1.0")
                .contains("keyrotator_rotation_duration_seconds_bucket{trigger=\"manual\"")
                .contains("keyrotator_key_overlap_active{key=\"observed\"} 1.0")
                .contains("keyrotator_key_rotation_period_seconds{key=\"observed\"} 2592000.0")
                .contains("keyrotator_key_last_rotation_timestamp_seconds{key=\"observed\"}")
                .contains("keyrotator_key_next_rotation_timestamp_seconds{key=\"observed\"}")
                .contains("keyrotator_keys{state=\"CONFLICT\"}")
                .contains("keyrotator_keys_overdue ")
                .contains("keyrotator_webhook_deliveries_total{outcome=\"delivered\"}")
                .contains("keyrotator_webhook_pending ")
                .contains("keyrotator_recovery_failures_total ")
                .contains("keyrotator_webhook_delivery_duration_seconds_bucket");
        assertThat(scrape).containsPattern("keyrotator_keys\\{state=\"CONFLICT\"} [1-9]");
        // requests are timed once, by MVC; Spring Security's per-filter observations are off (their cost)
        assertThat(scrape).contains("http_server_requests_seconds_count").doesNotContain("spring_security_");
    }

    @Test
    void everyMetricTheDashboardAndTheAlertsUseIsExported() throws Exception {
        Api api = new Api(port, TestServices.TOKEN);
        api.post("/api/v1/keys", Map.of("name", "exported"));
        api.post("/api/v1/keys/exported/rotations", null);
        api.post("/api/v1/leaks", Map.of("sha256", "ab".repeat(32), "source", "https://example.com/paste/1"));
        gauges.refresh();
        String scrape = scrape();

        assertThat(DashboardTests.metricNamesUsed())
                .isNotEmpty()
                .allSatisfy(name -> assertThat(scrape).as(name).contains(name));
    }

    @Test
    void healthShowsTheRotationComponentWithoutTyingProbesToVault() {
        Api management = new Api(managementPort, null);
        gauges.refresh();

        Map<String, Object> health = management.get("/actuator/health").json();
        String liveness = management.get("/actuator/health/liveness").body();
        String readiness = management.get("/actuator/health/readiness").body();

        assertThat(health.get("components").toString())
                .contains("rotation=")
                .contains("overdue=")
                .contains("failing=")
                .contains("vault=");
        assertThat(liveness)
                .contains("\"status\":\"UP\"")
                .doesNotContain("vault")
                .doesNotContain("db");
        assertThat(readiness).contains("\"db\"").doesNotContain("vault");
    }

    /**
     * Per-key gauges cost four series per key on every scrape of every replica: above {@code
     * keyrotator.metrics.per-key-limit} (1,000) they go, and the counts and the health report's
     * first 20 names stay, read in one aggregate query.
     */
    @Test
    void aFleetLargerThanThePerKeyLimitKeepsItsCountsAndDropsThePerKeyGauges(
            @Autowired org.springframework.jdbc.core.simple.JdbcClient jdbc) {
        assertThat(new Api(port, TestServices.TOKEN)
                        .post("/api/v1/keys", Map.of("name", "counted"))
                        .status())
                .isEqualTo(201);
        jdbc.sql("""
                        INSERT INTO managed_key (name, vault_mount, vault_path, vault_field, generator_bytes,
                            generator_encoding, generator_prefix, generator_checksum, rotation_period_seconds,
                            overlap_seconds, publish_ahead_seconds, state, last_vault_version, next_rotation_at,
                            last_rotated_at, last_failure_at, created_at, updated_at)
                        SELECT 'filler-' || g, 'secret', 'fillers/' || g, 'api_key', 32, 'BASE64URL', '', FALSE,
                            31536000, 3600, 0, 'PAUSED', 1, now() + interval '365 days', now() - interval '800 days',
                            now(), now(), now()
                        FROM generate_series(1, 1001) g""").update();
        try {
            gauges.refresh();
            String scrape = scrape();
            Map<String, Object> health = new Api(managementPort, null)
                    .get("/actuator/health/rotation")
                    .json();

            assertThat(scrape)
                    .contains("keyrotator_keys{state=\"PAUSED\"} 1001.0")
                    .contains("keyrotator_keys_too_old 1001.0")
                    .doesNotContain("keyrotator_key_rotation_period_seconds{key=")
                    .doesNotContain("keyrotator_key_next_rotation_timestamp_seconds{key=")
                    .contains("keyrotator_key_gauges_refresh_seconds_count");
            Map<?, ?> details = (Map<?, ?>) health.get("details");
            assertThat(((Number) details.get("failing")).longValue()).isGreaterThanOrEqualTo(1001);
            assertThat((List<?>) details.get("failingKeys")).hasSize(20);
            assertThat((List<?>) details.get("tooOldKeys")).hasSize(20).first().isEqualTo("filler-1");
        } finally {
            jdbc.sql("DELETE FROM managed_key WHERE name LIKE 'filler-%'").update();
        }
        gauges.refresh();
        assertThat(scrape()).contains("keyrotator_key_rotation_period_seconds{key=");
    }

    private String scrape() {
        return new Api(managementPort, null).get("/actuator/prometheus").body();
    }
}
