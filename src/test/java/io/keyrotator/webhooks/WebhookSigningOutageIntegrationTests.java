package io.keyrotator.webhooks;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.keyrotator.support.Api;
import io.keyrotator.support.KeyrotatorIntegrationTest;
import io.keyrotator.support.MutableClock;
import io.keyrotator.support.OpenBaoServer;
import io.keyrotator.support.TestDatabase;
import io.keyrotator.support.TestServices;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

/**
 * A delivery that keyrotator cannot sign because Vault is down is recorded, tried again later, and
 * does not spend the receiver's retry budget; one that can never be signed ends DEAD instead of
 * being claimed again forever.
 */
@KeyrotatorIntegrationTest
@TestPropertySource(
        properties = {
            "keyrotator.webhooks.allowed-hosts=127.0.0.1/32",
            "keyrotator.webhooks.retry-delays=PT0.3S,PT0.3S",
            "keyrotator.webhooks.poll-interval=PT30S",
            "spring.cloud.vault.read-timeout=1000"
        })
class WebhookSigningOutageIntegrationTests {

    /** Its own server, since this class freezes it (SIGSTOP). */
    static final OpenBaoServer vault = OpenBaoServer.startDev();

    @RegisterExtension
    static final WireMockExtension receiver = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"))
            .build();

    @LocalServerPort
    int port;

    @Autowired
    MutableClock clock;

    @Autowired
    Dispatcher dispatcher;

    @Autowired
    DispatchSteps steps;

    @Autowired
    DeliveryAttempt attempt;

    @Autowired
    WebhookMetrics metrics;

    @Autowired
    WebhookProperties properties;

    @Autowired
    JdbcClient jdbc;

    @DynamicPropertySource
    static void services(DynamicPropertyRegistry registry) {
        TestDatabase.shared().registerProperties(registry);
        registry.add("spring.cloud.vault.uri", () -> vault.address().toString());
        registry.add("spring.cloud.vault.token", vault::rootToken);
        registry.add("keyrotator.vault.mount", () -> "secret");
    }

    @AfterAll
    static void stopServer() {
        vault.stop();
    }

    @Test
    void aDeliveryHeldUpByAVaultOutageKeepsItsRetryBudgetAndIsDeliveredOnceVaultIsBack() throws Exception {
        Api api = new Api(port, TestServices.TOKEN);
        String path = "/outage/" + UUID.randomUUID();
        // once Vault is back the receiver fails once: a budget spent during the outage would make
        // that failure final
        receiver.stubFor(post(urlEqualTo(path))
                .inScenario("flaky")
                .whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(503))
                .willSetStateTo("up"));
        receiver.stubFor(post(urlEqualTo(path))
                .inScenario("flaky")
                .whenScenarioStateIs("up")
                .willReturn(aResponse().withStatus(204)));
        UUID subscription = subscribe(api, path);
        dispatcher.stop();
        try {
            Dispatcher passes = new Dispatcher(steps, attempt, metrics, properties, clock);
            assertThat(api.post("/api/v1/webhooks/" + subscription + "/ping", null)
                            .status())
                    .isEqualTo(202);
            // past the cached signing secret's five minutes: the next attempt must read Vault
            clock.advance(Duration.ofMinutes(6));
            vault.pause();
            try {
                for (int pass = 0; pass < 4; pass++) {
                    assertThat(passes.runOnce()).isEqualTo(1);
                    clock.advance(Duration.ofSeconds(1));
                }
            } finally {
                vault.resume();
            }
            assertThat(delivery(subscription))
                    .containsEntry("status", "FAILED")
                    .containsEntry("attempts", 0)
                    .containsEntry("last_error", "not sent: Vault unavailable");
            assertThat(receiver.findAll(postRequestedFor(urlEqualTo(path)))).isEmpty();

            passes.runOnce();
            assertThat(delivery(subscription)).containsEntry("status", "FAILED").containsEntry("attempts", 1);
            clock.advance(Duration.ofSeconds(1));
            passes.runOnce();
            assertThat(delivery(subscription))
                    .containsEntry("status", "DELIVERED")
                    .containsEntry("attempts", 2);
        } finally {
            dispatcher.start();
        }
    }

    @Test
    void aDeliveryThatCanNeverBeSignedEndsDeadInsteadOfBeingClaimedForever() throws Exception {
        Api api = new Api(port, TestServices.TOKEN);
        String path = "/unsignable/" + UUID.randomUUID();
        receiver.stubFor(post(urlEqualTo(path)).willReturn(aResponse().withStatus(204)));
        UUID subscription = subscribe(api, path);
        dispatcher.stop();
        try {
            Dispatcher passes = new Dispatcher(steps, attempt, metrics, properties, clock);
            assertThat(api.post("/api/v1/webhooks/" + subscription + "/ping", null)
                            .status())
                    .isEqualTo(202);
            // the signing secret deleted behind keyrotator's back, and the cached copy expired
            vault.admin().call("DELETE", "secret/metadata/keyrotator/webhooks/" + subscription, null);
            clock.advance(Duration.ofMinutes(6));
            for (int pass = 0; pass < 3; pass++) {
                passes.runOnce();
                clock.advance(Duration.ofSeconds(1));
            }
            assertThat(delivery(subscription))
                    .containsEntry("status", "DEAD")
                    .containsEntry("last_error", "not sent: IllegalStateException");
            assertThat(passes.runOnce()).isZero();
            assertThat(receiver.findAll(postRequestedFor(urlEqualTo(path)))).isEmpty();
        } finally {
            dispatcher.start();
        }
    }

    private Map<String, Object> delivery(UUID subscription) {
        return jdbc.sql("SELECT status, attempts, last_error FROM webhook_delivery WHERE subscription_id = ?")
                .param(subscription)
                .query()
                .singleRow();
    }

    private static UUID subscribe(Api api, String path) {
        Api.Response created = api.post(
                "/api/v1/webhooks",
                Map.of("url", "http://127.0.0.1:" + receiver.getPort() + path, "events", List.of("ping")));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return UUID.fromString((String) created.json().get("id"));
    }
}
