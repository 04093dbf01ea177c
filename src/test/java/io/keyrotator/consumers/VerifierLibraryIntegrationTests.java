package io.keyrotator.consumers;

import static org.assertj.core.api.Assertions.assertThat;

import example.verifier.LibraryVerifierApplication;
import io.keyrotator.rotation.schedule.RotationScheduler;
import io.keyrotator.support.Api;
import io.keyrotator.support.KeyrotatorIntegrationTest;
import io.keyrotator.support.MutableClock;
import io.keyrotator.support.OpenBaoExtension;
import io.keyrotator.support.OpenBaoServer;
import io.keyrotator.support.PendingVaultSync;
import io.keyrotator.support.TestServices;
import io.keyrotator.verifier.KeyVerifier;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

/**
 * The verifier library as a dependent service uses it: its own webhook endpoint refreshes it, it
 * acknowledges what it holds, gated promotion waits for it, and a replica without webhooks catches
 * up by polling KV metadata.
 */
@KeyrotatorIntegrationTest
@TestPropertySource(
        properties = {
            "keyrotator.security.api-tokens[1].name=orders-verifier",
            "keyrotator.security.api-tokens[1].sha256=" + TestServices.ACK_TOKEN_SHA256,
            "keyrotator.security.api-tokens[1].scopes=keys:ack",
            "keyrotator.webhooks.allowed-hosts=127.0.0.1/32",
            "keyrotator.webhooks.poll-interval=PT0.2S"
        })
class VerifierLibraryIntegrationTests {

    @RegisterExtension
    static final OpenBaoExtension vault = new OpenBaoExtension();

    @LocalServerPort
    int port;

    @Autowired
    MutableClock clock;

    @Autowired
    RotationScheduler scheduler;

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
    @SuppressWarnings("unchecked")
    void aServiceOnTheLibraryHoldsEachVersionItIsToldOfAndPromotionWaitsForIt() throws Exception {
        String name = "lib-" + UUID.randomUUID().toString().substring(0, 8);
        Api.Response created = api.post(
                "/api/v1/keys",
                Map.of(
                        "name", name,
                        "rotationPeriod", "PT1H",
                        "overlap", "PT5M",
                        "publishAhead", "PT2M",
                        "promotion", Map.of("awaitConsumers", List.of("orders"), "timeout", "PT10M")));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        PendingVaultSync.awaitNone(jdbc);
        int webhookPort = OpenBaoServer.freePort();
        Api.Response subscribed = api.post(
                "/api/v1/webhooks",
                Map.of(
                        "url",
                        "http://127.0.0.1:" + webhookPort + "/keyrotator/webhook",
                        "format",
                        "standard",
                        "keys",
                        List.of(name)));
        assertThat(subscribed.status()).as(subscribed.body()).isEqualTo(201);
        String secret = (String) subscribed.json().get("secret");

        try (ConfigurableApplicationContext hooked = replica(
                        webhookPort,
                        name,
                        "orders-1",
                        Map.of(
                                "keyrotator.verifier.webhook.secrets[0]",
                                secret,
                                // keyrotator signs with the test clock, which runs an hour ahead below
                                "keyrotator.verifier.webhook.tolerance",
                                "PT3H",
                                "keyrotator.verifier.poll-interval",
                                "PT1H"));
                ConfigurableApplicationContext polling = replica(
                        OpenBaoServer.freePort(),
                        name,
                        "orders-2",
                        Map.of("keyrotator.verifier.poll-interval", "PT0.3S"))) {
            KeyVerifier verifier = hooked.getBean(KeyVerifier.class);
            assertThat(verifier.accepts(secretField(name, "api_key"))).isTrue();
            awaitHeld(name, Map.of("orders-1", 1, "orders-2", 1));

            clock.advance(Duration.ofMinutes(58).plusSeconds(1));
            scheduler.runOnce();
            String next = secretField(name, "next_api_key");
            String subscription = (String) subscribed.json().get("id");
            Awaitility.await("key.next_published delivered to orders-1")
                    .atMost(Duration.ofSeconds(20))
                    .untilAsserted(() -> assertThat(api.get("/api/v1/webhooks/" + subscription + "/deliveries")
                                    .body())
                            .contains("DELIVERED"));
            // the webhook refreshed orders-1 before its answer; orders-2 polls
            awaitHeld(name, Map.of("orders-1", 2, "orders-2", 2));
            assertThat(verifier.accepts(next)).isTrue();
            assertThat(polling.getBean(KeyVerifier.class).accepts(next)).isTrue();

            clock.advance(Duration.ofMinutes(2).plusSeconds(1));
            scheduler.runOnce();
            assertThat(secretField(name, "api_key"))
                    .as("every instance held it: promoted")
                    .isEqualTo(next);

            MeterRegistry meters = hooked.getBean(MeterRegistry.class);
            Awaitility.await("orders-1 holds version 2 as current")
                    .atMost(Duration.ofSeconds(20))
                    .until(() -> meters.get("keyrotator.verifier.key.version")
                                    .tag("key", name)
                                    .gauge()
                                    .value()
                            == 2);
            assertThat(unsignedDelivery(webhookPort, name)).isEqualTo(401);
        }
    }

    private ConfigurableApplicationContext replica(
            int port, String key, String instance, Map<String, Object> settings) {
        Map<String, Object> properties = new java.util.HashMap<>(settings);
        properties.put("keyrotator.verifier.consumer", "orders");
        properties.put("keyrotator.verifier.instance", instance);
        properties.put("keyrotator.verifier.ack.url", "http://127.0.0.1:" + this.port);
        properties.put("keyrotator.verifier.ack.token", TestServices.ACK_TOKEN);
        return LibraryVerifierApplication.start(
                vault.address().toString(),
                vault.token(),
                port,
                vault.mount(),
                Map.of(key, "api-keys/" + key),
                properties);
    }

    @SuppressWarnings("unchecked")
    private void awaitHeld(String name, Map<String, Integer> expected) {
        Awaitility.await("instances hold " + expected)
                .atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(100))
                .untilAsserted(() -> {
                    List<Map<String, Object>> consumers =
                            (List<Map<String, Object>>) api.get("/api/v1/keys/" + name + "/consumers")
                                    .json()
                                    .get("items");
                    Map<String, Integer> held = new java.util.HashMap<>();
                    for (Map<String, Object> consumer : consumers) {
                        for (Map<String, Object> instance : (List<Map<String, Object>>) consumer.get("instances")) {
                            held.put((String) instance.get("instance"), (Integer) instance.get("version"));
                        }
                    }
                    assertThat(held).isEqualTo(expected);
                });
    }

    @SuppressWarnings("unchecked")
    private String secretField(String name, String field) {
        Map<String, Object> answer = vault.admin().call("GET", vault.mount() + "/data/api-keys/" + name, null);
        Map<String, Object> version = (Map<String, Object>) answer.get("data");
        return (String) ((Map<String, Object>) version.get("data")).get(field);
    }

    private static int unsignedDelivery(int port, String key) throws Exception {
        try (HttpClient http = HttpClient.newHttpClient()) {
            return http.send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/keyrotator/webhook"))
                                    .header("webhook-id", "msg_forged")
                                    .header("webhook-timestamp", Long.toString(System.currentTimeMillis() / 1000))
                                    .header("webhook-signature", "v1,Zm9yZ2Vk")
                                    .POST(HttpRequest.BodyPublishers.ofString(
                                            "{\"type\":\"key.rotated\",\"data\":{\"key\":\"" + key + "\"}}"))
                                    .build(),
                            HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        }
    }
}
