package io.keyrotator.webhooks;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.keyrotator.support.Api;
import io.keyrotator.support.KeyrotatorIntegrationTest;
import io.keyrotator.support.MutableClock;
import io.keyrotator.support.OpenBaoExtension;
import io.keyrotator.support.TestServices;
import io.keyrotator.vault.KvPath;
import io.keyrotator.vault.SecretStore;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

/** Deliveries to a real HTTP receiver on loopback (WireMock), from rotations through the outbox. */
@KeyrotatorIntegrationTest
@Import(WebhooksIntegrationTests.Dns.class)
@TestPropertySource(
        properties = {
            "keyrotator.webhooks.allowed-hosts=127.0.0.1/32",
            "keyrotator.webhooks.retry-delays=PT0.3S,PT0.3S",
            "keyrotator.webhooks.poll-interval=PT30S",
            "keyrotator.webhooks.timeout=PT2S"
        })
class WebhooksIntegrationTests {

    private static final int SLOW_RECEIVER_MILLIS = 5_000;

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
    SwitchableResolver dns;

    Api api;

    @DynamicPropertySource
    static void services(DynamicPropertyRegistry registry) {
        TestServices.register(registry, vault);
    }

    @BeforeEach
    void client() {
        api = new Api(port, TestServices.TOKEN);
        receiver.stubFor(post(urlEqualTo("/hooks")).willReturn(aResponse().withStatus(204)));
    }

    @Test
    void aRotationIsDeliveredWithinASecondSignedAndWithoutKeyMaterial() {
        String key = register();
        String path = "/hooks/" + key;
        receiver.stubFor(post(urlEqualTo(path)).willReturn(aResponse().withStatus(200)));
        String secret = subscribe(Map.of("url", url(path), "events", List.of("key.rotated"), "keys", List.of(key)));

        long sent = System.currentTimeMillis();
        assertThat(api.post("/api/v1/keys/" + key + "/rotations", null).status())
                .isEqualTo(201);

        // the dispatcher polls every 30 s here: arriving within awaitRequests' 5 s, the delivery can
        // only have come from the wake-up after the rotation's commit
        LoggedRequest delivery = awaitRequests(path, 1).get(0);
        assertThat(delivery.getLoggedDate().getTime() - sent).isLessThan(5_000);
        String body = delivery.getBodyAsString();
        assertThat(verifies(secret, delivery)).isTrue();
        assertThat(body)
                .contains("\"type\":\"key.rotated\"")
                .contains("\"key\":\"" + key + "\"")
                .contains("\"version\":2")
                .contains("\"previousVersion\":1")
                .contains("\"trigger\":\"manual\"");
        String apiKey = store.read(KvPath.of(vault.mount(), "api-keys/" + key), SecretStore.LATEST)
                .orElseThrow()
                .string("api_key");
        assertThat(body).doesNotContain(apiKey);
        assertThat(api.get("/api/v1/webhooks/" + subscriptionOf(path) + "/deliveries")
                        .body())
                .contains("\"status\":\"DELIVERED\"");
    }

    @Test
    void aFailingReceiverGetsTheSameWebhookIdUntilItAccepts() {
        String key = register();
        String path = "/flaky/" + key;
        receiver.stubFor(post(urlEqualTo(path))
                .inScenario(path)
                .whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(500))
                .willSetStateTo("second"));
        receiver.stubFor(post(urlEqualTo(path))
                .inScenario(path)
                .whenScenarioStateIs("second")
                .willReturn(aResponse().withStatus(500))
                .willSetStateTo("third"));
        receiver.stubFor(post(urlEqualTo(path))
                .inScenario(path)
                .whenScenarioStateIs("third")
                .willReturn(aResponse().withStatus(200)));
        subscribe(Map.of("url", url(path), "events", List.of("key.rotated"), "keys", List.of(key)));

        api.post("/api/v1/keys/" + key + "/rotations", null);

        List<LoggedRequest> attempts = awaitRequests(path, 3);
        assertThat(attempts.stream().map(r -> r.getHeader("webhook-id")).distinct())
                .hasSize(1);
        Awaitility.await()
                .atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(api.get("/api/v1/webhooks/" + subscriptionOf(path) + "/deliveries")
                                .body())
                        .contains("\"status\":\"DELIVERED\"")
                        .contains("\"attempts\":3"));
    }

    @Test
    void aReceiverDownForTheWholeScheduleEndsDeadInTheApiAndTheMetric() {
        String key = register();
        String down = "http://127.0.0.1:" + io.keyrotator.support.OpenBaoServer.freePort() + "/down";
        subscribe(Map.of("url", down, "events", List.of("key.rotated"), "keys", List.of(key)));
        String id = subscriptions().stream()
                .filter(s -> down.equals(s.get("url")))
                .findFirst()
                .orElseThrow()
                .get("id")
                .toString();

        api.post("/api/v1/keys/" + key + "/rotations", null);

        Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(api.get("/api/v1/webhooks/" + id + "/deliveries")
                                .body())
                        .contains("\"status\":\"DEAD\"")
                        .contains("\"attempts\":3")
                        .contains("\"lastError\":\"connection-failed\""));
        assertThat(new Api(managementPort, null).get("/actuator/prometheus").body())
                .containsPattern("keyrotator_webhook_deliveries_total\\{outcome=\"dead\"} [1-9]");
    }

    @Test
    void eventsCommittedWhileTheDispatcherIsDownAreDeliveredWhenItIsBack() throws Exception {
        String key = register();
        String path = "/later/" + key;
        receiver.stubFor(post(urlEqualTo(path)).willReturn(aResponse().withStatus(200)));
        subscribe(Map.of("url", url(path), "events", List.of("key.rotated"), "keys", List.of(key)));

        dispatcher.stop();
        try {
            api.post("/api/v1/keys/" + key + "/rotations", null);
            Awaitility.await()
                    .during(Duration.ofMillis(700))
                    .atMost(Duration.ofSeconds(1))
                    .until(() ->
                            receiver.findAll(postRequestedFor(urlEqualTo(path))).isEmpty());
        } finally {
            dispatcher.start();
        }

        assertThat(awaitRequests(path, 1)).hasSize(1);
    }

    @Test
    void twoDispatchersOnOneDatabaseNeverSendTheSameAttemptTwice() throws Exception {
        String path = "/race/" + UUID.randomUUID();
        receiver.stubFor(
                post(urlEqualTo(path)).willReturn(aResponse().withStatus(200).withFixedDelay(20)));
        subscribe(Map.of("url", url(path), "events", List.of("ping")));
        UUID id = subscriptionOf(path);
        dispatcher.stop();
        try {
            for (int i = 0; i < 40; i++) {
                api.post("/api/v1/webhooks/" + id + "/ping", null);
            }
            Dispatcher other = new Dispatcher(steps, attempt, metrics, properties, Clock.systemUTC());
            Dispatcher another = new Dispatcher(steps, attempt, metrics, properties, Clock.systemUTC());
            try (ExecutorService pool = Executors.newFixedThreadPool(2)) {
                Future<Integer> a = pool.submit(other::runOnce);
                Future<Integer> b = pool.submit(another::runOnce);
                assertThat(a.get() + b.get()).isEqualTo(40);
            }
        } finally {
            dispatcher.start();
        }

        List<LoggedRequest> received = receiver.findAll(postRequestedFor(urlEqualTo(path)));
        assertThat(received).hasSize(40);
        assertThat(received.stream().map(r -> r.getHeader("webhook-id")).distinct())
                .hasSize(40);
    }

    @Test
    void aSlowReceiverHoldsOneSenderWhileTheDeliveriesClaimedWithItGoOn() throws Exception {
        String slowPath = "/slow/" + UUID.randomUUID();
        String fastPath = "/fast/" + UUID.randomUUID();
        receiver.stubFor(post(urlEqualTo(slowPath))
                .willReturn(aResponse().withStatus(200).withFixedDelay(SLOW_RECEIVER_MILLIS)));
        receiver.stubFor(post(urlEqualTo(fastPath)).willReturn(aResponse().withStatus(200)));
        subscribe(Map.of("url", url(slowPath), "events", List.of("ping")));
        subscribe(Map.of("url", url(fastPath), "events", List.of("ping")));
        UUID slow = subscriptionOf(slowPath);
        UUID fast = subscriptionOf(fastPath);
        dispatcher.stop();
        try {
            api.post("/api/v1/webhooks/" + slow + "/ping", null);
            for (int i = 0; i < 150; i++) { // more than one claim's worth, so a batch barrier would show
                api.post("/api/v1/webhooks/" + fast + "/ping", null);
            }
            Dispatcher other = new Dispatcher(steps, attempt, metrics, properties, Clock.systemUTC());
            assertThat(other.runOnce()).isEqualTo(151);
        } finally {
            dispatcher.start();
        }

        long slowStarted = receiver.findAll(postRequestedFor(urlEqualTo(slowPath)))
                .get(0)
                .getLoggedDate()
                .getTime();
        List<LoggedRequest> fastOnes = receiver.findAll(postRequestedFor(urlEqualTo(fastPath)));
        assertThat(fastOnes).hasSize(150);
        long lastFast = fastOnes.stream()
                .mapToLong(r -> r.getLoggedDate().getTime())
                .max()
                .orElseThrow();
        // a batch barrier would hold the fast deliveries claimed after the slow one until it is answered
        assertThat(lastFast - slowStarted)
                .as("ms from the slow delivery's start to the last fast one: before it was answered")
                .isLessThan(SLOW_RECEIVER_MILLIS);
        assertThat(api.get("/api/v1/webhooks/" + fast + "/deliveries").body())
                .doesNotContain("PENDING")
                .doesNotContain("FAILED");
    }

    @Test
    void forbiddenReceiversAreRefusedAtRegistration() {
        for (String url : List.of(
                "http://169.254.169.254/latest/meta-data",
                "http://10.0.0.7/hooks",
                "ftp://127.0.0.1/x",
                "http://user:pw@127.0.0.1/x")) {
            Api.Response refused = api.post("/api/v1/webhooks", Map.of("url", url));
            assertThat(refused.status()).as(url).isEqualTo(400);
            assertThat(refused.json()).containsEntry("type", "urn:keyrotator:problem:validation");
        }
    }

    @Test
    void nullsInsideListsAreRefusedNotCrashedOn() {
        Api.Response refused = api.post(
                "/api/v1/webhooks", "{\"url\": \"" + url("/x") + "\", \"keys\": [null]," + " \"events\": [null]}");

        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.body()).contains("\"field\":\"keys\"").contains("\"field\":\"events\"");
    }

    @Test
    void aReceiverWhoseNameLaterResolvesToAForbiddenAddressIsNotCalled() {
        String path = "/rebind";
        dns.point("receiver.test", "127.0.0.1");
        subscribe(Map.of("url", "http://receiver.test:" + receiver.getPort() + path, "events", List.of("ping")));
        UUID id = subscriptionOf("http://receiver.test:" + receiver.getPort() + path, true);
        dns.point("receiver.test", "169.254.169.254");

        api.post("/api/v1/webhooks/" + id + "/ping", null);

        Awaitility.await()
                .atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(api.get("/api/v1/webhooks/" + id + "/deliveries")
                                .body())
                        .contains("\"lastError\":\"address-refused\""));
        assertThat(receiver.findAll(postRequestedFor(urlEqualTo(path)))).isEmpty();
    }

    @Test
    void aReceiverIsCalledAtTheAddressTheGuardResolvedAndChecked() {
        String path = "/resolved/" + UUID.randomUUID();
        receiver.stubFor(post(urlEqualTo(path)).willReturn(aResponse().withStatus(204)));
        // a name only the guard's resolver knows: the call can only reach it through that resolution
        dns.point("resolved.test", "127.0.0.1");
        String url = "http://resolved.test:" + receiver.getPort() + path;
        subscribe(Map.of("url", url, "events", List.of("ping")));
        UUID id = subscriptionOf(url, true);

        api.post("/api/v1/webhooks/" + id + "/ping", null);

        LoggedRequest request = awaitRequests(path, 1).get(0);
        assertThat(request.getHeader("Host")).isEqualTo("resolved.test:" + receiver.getPort());
    }

    @Test
    void aNameThatRebindsBetweenTheCheckAndTheConnectIsRefusedAtTheConnect() {
        String path = "/rebinding/" + UUID.randomUUID();
        receiver.stubFor(post(urlEqualTo(path)).willReturn(aResponse().withStatus(204)));
        dns.point("rebinding.test", "127.0.0.1");
        String url = "http://rebinding.test:" + receiver.getPort() + path;
        subscribe(Map.of("url", url, "events", List.of("ping")));
        UUID id = subscriptionOf(url, true);
        // the delivery's check sees the receiver, the connect would see the metadata service
        dns.pointOnceThen("rebinding.test", "127.0.0.1", "169.254.169.254");

        api.post("/api/v1/webhooks/" + id + "/ping", null);

        Awaitility.await()
                .atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(api.get("/api/v1/webhooks/" + id + "/deliveries")
                                .body())
                        .contains("\"lastError\":\"address-refused\""));
        assertThat(receiver.findAll(postRequestedFor(urlEqualTo(path)))).isEmpty();
    }

    @Test
    void aRotatedSigningSecretSignsBesideTheNewOneOnlyDuringTheOverlap() {
        String path = "/secret/" + UUID.randomUUID();
        receiver.stubFor(post(urlEqualTo(path)).willReturn(aResponse().withStatus(200)));
        String old = subscribe(Map.of("url", url(path), "events", List.of("ping")));
        UUID id = subscriptionOf(path);
        Api.Response rotated = api.post("/api/v1/webhooks/" + id + "/secret/rotate", null);
        String fresh = (String) rotated.json().get("secret");
        assertThat(api.get("/api/v1/webhooks/" + id).body()).doesNotContain("whsec_");

        api.post("/api/v1/webhooks/" + id + "/ping", null);
        LoggedRequest during = awaitRequests(path, 1).get(0);
        clock.advance(properties.secretOverlap().plusSeconds(1));
        api.post("/api/v1/webhooks/" + id + "/ping", null);
        LoggedRequest after = awaitRequests(path, 2).get(1);

        assertThat(during.getHeader("webhook-signature").split(" ")).hasSize(2);
        assertThat(verifies(old, during)).isTrue();
        assertThat(verifies(fresh, during)).isTrue();
        assertThat(after.getHeader("webhook-signature").split(" ")).hasSize(1);
        assertThat(verifies(fresh, after)).isTrue();
        assertThat(verifies(old, after)).isFalse();
    }

    @Test
    void theRefreshFormatSendsAnEmptySignedPostWithTheReceiversCredentials() {
        String key = register();
        String path = "/actuator/refresh/" + key;
        receiver.stubFor(
                post(urlEqualTo(path)).willReturn(aResponse().withStatus(200).withBody("[\"api_key\"]")));
        String secret = subscribe(Map.of(
                "url",
                url(path),
                "events",
                List.of("key.rotated"),
                "keys",
                List.of(key),
                "format",
                "spring-cloud-refresh",
                "authorization",
                "Bearer receiver-credential"));

        api.post("/api/v1/keys/" + key + "/rotations", null);

        LoggedRequest refresh = awaitRequests(path, 1).get(0);
        assertThat(refresh.getBodyAsString()).isEmpty();
        assertThat(refresh.getHeader("Authorization")).isEqualTo("Bearer receiver-credential");
        assertThat(verifies(secret, refresh)).isTrue();
        assertThat(api.get("/api/v1/webhooks").body()).doesNotContain("receiver-credential");
    }

    @Test
    void goneDisablesTheSubscription() {
        String path = "/gone/" + UUID.randomUUID();
        receiver.stubFor(post(urlEqualTo(path)).willReturn(aResponse().withStatus(410)));
        subscribe(Map.of("url", url(path), "events", List.of("ping")));
        UUID id = subscriptionOf(path);

        api.post("/api/v1/webhooks/" + id + "/ping", null);

        Awaitility.await()
                .atMost(Duration.ofSeconds(5))
                .untilAsserted(
                        () -> assertThat(api.get("/api/v1/webhooks/" + id).json())
                                .containsEntry("enabled", false)
                                .containsEntry("disabledReason", "gone"));
        assertThat(api.get("/api/v1/webhooks/" + id + "/deliveries").body()).contains("\"status\":\"DEAD\"");

        receiver.stubFor(post(urlEqualTo(path)).willReturn(aResponse().withStatus(200)));
        assertThat(api.patch("/api/v1/webhooks/" + id, Map.of("enabled", true)).json())
                .containsEntry("enabled", true)
                .containsEntry("disabledReason", null);
        String deliveryId = ((Map<?, ?>) ((List<?>) api.get("/api/v1/webhooks/" + id + "/deliveries")
                                .json()
                                .get("items"))
                        .get(0))
                .get("id")
                .toString();
        assertThat(api.post("/api/v1/webhooks/" + id + "/deliveries/" + deliveryId + "/redeliver", null)
                        .status())
                .isEqualTo(202);
        List<LoggedRequest> attempts = awaitRequests(path, 2);
        assertThat(attempts.get(1).getHeader("webhook-id"))
                .isEqualTo(attempts.get(0).getHeader("webhook-id"));
    }

    @Test
    void settledEventsPastTheirRetentionArePurgedWithTheirDeliveriesAndPendingOnesStay(
            @Autowired EventRetention retention, @Autowired org.springframework.jdbc.core.simple.JdbcClient jdbc) {
        Api.Response hook = api.post("/api/v1/webhooks", Map.of("url", "http://127.0.0.1:9/retention"));
        UUID subscription = UUID.fromString((String) hook.json().get("id"));
        jdbc.sql("""
                        INSERT INTO webhook_event (id, type, key_name, payload, fanned_out, created_at)
                        SELECT gen_random_uuid(), 'key.rotated', 'old-' || g, '{}', TRUE, now() - interval '40 days'
                        FROM generate_series(1, 20000) g""").update();
        jdbc.sql("""
                        INSERT INTO webhook_delivery (id, subscription_id, event_id, status, created_at)
                        SELECT gen_random_uuid(), ?, e.id,
                            CASE WHEN e.key_name = 'old-1' THEN 'FAILED' ELSE 'DELIVERED' END, e.created_at
                        FROM webhook_event e WHERE e.key_name LIKE 'old-%'""").param(subscription).update();

        long purged = retention.purgeOnce();

        assertThat(purged).isEqualTo(19_999);
        assertThat(jdbc.sql("SELECT count(*) FROM webhook_event WHERE key_name LIKE 'old-%'")
                        .query(Long.class)
                        .single())
                .as("the event still waiting for its delivery")
                .isEqualTo(1);
        assertThat(jdbc.sql("SELECT count(*) FROM webhook_delivery WHERE subscription_id = ?")
                        .param(subscription)
                        .query(Long.class)
                        .single())
                .isEqualTo(1);
        assertThat(api.delete("/api/v1/webhooks/" + subscription).status()).isEqualTo(204);
    }

    private String register() {
        String name = "hook-" + UUID.randomUUID().toString().substring(0, 8);
        assertThat(api.post("/api/v1/keys", Map.of("name", name)).status()).isEqualTo(201);
        return name;
    }

    private String subscribe(Map<String, Object> body) {
        Api.Response created = api.post("/api/v1/webhooks", body);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return (String) created.json().get("secret");
    }

    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> subscriptions() {
        return (List<Map<String, Object>>) api.get("/api/v1/webhooks").json().get("items");
    }

    private UUID subscriptionOf(String path) {
        return subscriptionOf(url(path), true);
    }

    private UUID subscriptionOf(String url, boolean exact) {
        return UUID.fromString(subscriptions().stream()
                .filter(s -> url.equals(s.get("url")))
                .findFirst()
                .orElseThrow()
                .get("id")
                .toString());
    }

    private static String url(String path) {
        return "http://127.0.0.1:" + receiver.getPort() + path;
    }

    private static List<LoggedRequest> awaitRequests(String path, int count) {
        return Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .until(() -> receiver.findAll(postRequestedFor(urlEqualTo(path))), r -> r.size() >= count);
    }

    /** Standard Webhooks verification, written here independently of the service's signer. */
    static boolean verifies(String secret, LoggedRequest request) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(Base64.getDecoder().decode(secret.substring("whsec_".length())), "HmacSHA256"));
            String signed = request.getHeader("webhook-id") + "." + request.getHeader("webhook-timestamp") + "."
                    + request.getBodyAsString();
            String expected =
                    "v1," + Base64.getEncoder().encodeToString(mac.doFinal(signed.getBytes(StandardCharsets.UTF_8)));
            return List.of(request.getHeader("webhook-signature").split(" ")).contains(expected);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @TestConfiguration(proxyBeanMethods = false)
    static class Dns {

        @Bean
        @Primary
        SwitchableResolver switchableResolver() {
            return new SwitchableResolver();
        }
    }
}
