package io.keyrotator.webhooks;

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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

/**
 * Not part of the test suite: {@code scripts/benchmark.sh} runs it. 50 subscriptions to one local
 * receiver, 40 rotations: 2,000 signed deliveries, timed from the first rotation to the last 2xx.
 */
@KeyrotatorIntegrationTest
@TestPropertySource(properties = "keyrotator.webhooks.allowed-hosts=127.0.0.1/32")
class WebhookFanoutBenchmark {

    private static final int SUBSCRIPTIONS = 50;
    private static final int ROTATIONS = 40;

    @RegisterExtension
    static final OpenBaoExtension vault = new OpenBaoExtension();

    @RegisterExtension
    static final WireMockExtension receiver = WireMockExtension.newInstance()
            .options(wireMockConfig()
                    .dynamicPort()
                    .bindAddress("127.0.0.1")
                    .containerThreads(32)
                    .disableRequestJournal())
            .build();

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    @DynamicPropertySource
    static void services(DynamicPropertyRegistry registry) {
        TestServices.register(registry, vault);
    }

    @Test
    void fanOutToFiftySubscriptions() throws Exception {
        receiver.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(204)));
        Api api = new Api(port, TestServices.TOKEN);
        api.post("/api/v1/keys", Map.of("name", "fanout"));
        for (int i = 0; i < SUBSCRIPTIONS; i++) {
            api.post(
                    "/api/v1/webhooks",
                    Map.of(
                            "url",
                            "http://127.0.0.1:" + receiver.getPort() + "/hook/" + i,
                            "events",
                            List.of("key.rotated"),
                            "keys",
                            List.of("fanout")));
        }

        long started = System.nanoTime();
        for (int i = 0; i < ROTATIONS; i++) {
            assertThat(api.post("/api/v1/keys/fanout/rotations", null).status()).isEqualTo(201);
        }
        int expected = SUBSCRIPTIONS * ROTATIONS;
        Awaitility.await()
                .atMost(Duration.ofMinutes(5))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> jdbc.queryForObject(
                                "SELECT count(*) FROM webhook_delivery WHERE status = 'DELIVERED'", Long.class)
                        == expected);
        double seconds = (System.nanoTime() - started) / 1e9;

        String json = "{\"subscriptions\": %d, \"rotations\": %d, \"deliveries\": %d, \"seconds\": %.2f,"
                        .formatted(SUBSCRIPTIONS, ROTATIONS, expected, seconds)
                + " \"deliveriesPerSecond\": %.1f}%n".formatted(expected / seconds);
        Path out = Path.of("target/bench/webhook-fanout.json");
        Files.createDirectories(out.getParent());
        Files.writeString(out, json);
        System.out.printf(
                "%n== webhook fan-out ==%n %d subscriptions x %d rotations = %d deliveries in %.2f s"
                        + " = %.1f deliveries/s%n figures in %s%n%n",
                SUBSCRIPTIONS, ROTATIONS, expected, seconds, expected / seconds, out);
    }
}
