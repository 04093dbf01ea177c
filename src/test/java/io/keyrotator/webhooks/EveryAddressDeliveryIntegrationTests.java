package io.keyrotator.webhooks;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.keyrotator.support.Api;
import io.keyrotator.support.KeyrotatorIntegrationTest;
import io.keyrotator.support.OpenBaoExtension;
import io.keyrotator.support.TestServices;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

/**
 * {@code "deliverTo": "every-address"}: one name resolving to three loopback addresses, a receiver
 * on each at the same port, as the pods behind a headless Service.
 */
@KeyrotatorIntegrationTest
@Import(WebhooksIntegrationTests.Dns.class)
@TestPropertySource(
        properties = {
            "keyrotator.webhooks.allowed-hosts=127.0.0.0/8",
            "keyrotator.webhooks.retry-delays=PT1S,PT1S,PT1S,PT1S,PT1S",
            "keyrotator.webhooks.timeout=PT2S"
        })
class EveryAddressDeliveryIntegrationTests {

    private static final List<String> PODS = List.of("127.0.0.2", "127.0.0.3", "127.0.0.4");
    private static final Map<String, WireMockServer> receivers = new java.util.LinkedHashMap<>();
    private static int port;

    @RegisterExtension
    static final OpenBaoExtension vault = new OpenBaoExtension();

    @LocalServerPort
    int apiPort;

    @Autowired
    SwitchableResolver dns;

    Api api;

    @DynamicPropertySource
    static void services(DynamicPropertyRegistry registry) {
        TestServices.register(registry, vault);
    }

    @BeforeAll
    static void pods() throws IOException {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName(PODS.getFirst()))) {
            port = probe.getLocalPort();
        }
        for (String pod : PODS) {
            WireMockServer server =
                    new WireMockServer(wireMockConfig().bindAddress(pod).port(port));
            server.start();
            receivers.put(pod, server);
        }
    }

    @AfterAll
    static void stopPods() {
        receivers.values().forEach(WireMockServer::stop);
    }

    @BeforeEach
    void client() {
        api = new Api(apiPort, TestServices.TOKEN);
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyPodIsDeliveredToOnItsOwnIncludingOneThatAppearsBetweenAttempts() {
        String path = "/refresh/" + UUID.randomUUID();
        receivers
                .get("127.0.0.2")
                .stubFor(post(urlEqualTo(path)).willReturn(aResponse().withStatus(204)));
        receivers
                .get("127.0.0.3")
                .stubFor(post(urlEqualTo(path)).willReturn(aResponse().withStatus(503)));
        receivers
                .get("127.0.0.4")
                .stubFor(post(urlEqualTo(path)).willReturn(aResponse().withStatus(204)));
        dns.pointAll("pods.test", "127.0.0.2", "127.0.0.3");
        String url = "http://pods.test:" + port + path;
        Api.Response created = api.post(
                "/api/v1/webhooks", Map.of("url", url, "events", List.of("ping"), "deliverTo", "every-address"));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(created.json()).containsEntry("deliverTo", "every-address");
        String secret = (String) created.json().get("secret");
        String id = (String) created.json().get("id");

        api.post("/api/v1/webhooks/" + id + "/ping", null);
        await("127.0.0.3", path, 1);
        // the failing pod recovers, and a third pod starts before the next attempt
        receivers
                .get("127.0.0.3")
                .stubFor(post(urlEqualTo(path)).willReturn(aResponse().withStatus(204)));
        dns.pointAll("pods.test", "127.0.0.2", "127.0.0.3", "127.0.0.4");

        Map<String, Object> delivery = Awaitility.await()
                .atMost(Duration.ofSeconds(15))
                .ignoreExceptions()
                .until(() -> deliveries(id).getFirst(), d -> "DELIVERED".equals(d.get("status")));
        List<?> addresses = (List<?>) delivery.get("addresses");
        assertThat(addresses)
                .extracting(a -> ((Map<String, Object>) a).get("address"))
                .containsExactlyElementsOf(PODS);
        assertThat(addresses)
                .allSatisfy(a -> assertThat((Map<String, Object>) a).containsEntry("status", "DELIVERED"));
        assertThat(((Map<String, Object>) addresses.get(0)).get("attempts"))
                .as("delivered at once, not sent again")
                .isEqualTo(1);
        assertThat(((Number) ((Map<String, Object>) addresses.get(1)).get("attempts")).intValue())
                .isGreaterThanOrEqualTo(2);
        assertThat(receivers.get("127.0.0.2").findAll(postRequestedFor(urlEqualTo(path))))
                .hasSize(1);
        List<LoggedRequest> received = PODS.stream()
                .flatMap(pod -> receivers.get(pod).findAll(postRequestedFor(urlEqualTo(path))).stream())
                .toList();
        assertThat(received).allSatisfy(request -> {
            assertThat(WebhooksIntegrationTests.verifies(secret, request)).isTrue();
            assertThat(request.getHeader("webhook-id"))
                    .isEqualTo(received.getFirst().getHeader("webhook-id"));
            assertThat(request.getHeader("Host")).isEqualTo("pods.test:" + port);
        });
    }

    @Test
    @SuppressWarnings("unchecked")
    void anAddressTheGuardRefusesIsRecordedAsRefusedAndTheOthersAreDelivered() {
        String path = "/refused/" + UUID.randomUUID();
        receivers
                .get("127.0.0.2")
                .stubFor(post(urlEqualTo(path)).willReturn(aResponse().withStatus(204)));
        dns.pointAll("mixed.test", "127.0.0.2");
        String url = "http://mixed.test:" + port + path;
        Api.Response created = api.post(
                "/api/v1/webhooks", Map.of("url", url, "events", List.of("ping"), "deliverTo", "every-address"));
        String id = (String) created.json().get("id");
        // a name that also resolves to the cloud metadata address
        dns.pointAll("mixed.test", "127.0.0.2", "169.254.169.254");

        api.post("/api/v1/webhooks/" + id + "/ping", null);

        Map<String, Object> delivery = Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .ignoreExceptions()
                .until(
                        () -> deliveries(id).getFirst(),
                        d -> ((List<?>) d.getOrDefault("addresses", List.of())).size() == 2);
        assertThat(delivery.get("status"))
                .as("never delivered to every address")
                .isIn("FAILED", "DEAD");
        assertThat((List<?>) delivery.get("addresses"))
                .anySatisfy(a -> assertThat((Map<String, Object>) a)
                        .containsEntry("address", "169.254.169.254")
                        .containsEntry("status", "FAILED")
                        .containsEntry("lastError", "address-refused"))
                .anySatisfy(a -> assertThat((Map<String, Object>) a)
                        .containsEntry("address", "127.0.0.2")
                        .containsEntry("status", "DELIVERED"));
        assertThat(api.post("/api/v1/webhooks", Map.of("url", url, "deliverTo", "everywhere"))
                        .status())
                .isEqualTo(400);
    }

    private List<Map<String, Object>> deliveries(String id) {
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> items = (List<Map<String, Object>>)
                api.get("/api/v1/webhooks/" + id + "/deliveries").json().get("items");
        return items;
    }

    private static void await(String pod, String path, int count) {
        Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .until(() -> receivers.get(pod).findAll(postRequestedFor(urlEqualTo(path))), r -> r.size() >= count);
    }
}
