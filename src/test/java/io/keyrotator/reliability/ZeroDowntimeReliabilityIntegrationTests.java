package io.keyrotator.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import example.verifier.VerifierApplication;
import io.keyrotator.support.Api;
import io.keyrotator.support.ServiceProcess;
import io.keyrotator.support.TestServices;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Scenario 7: a real verifier (Spring Cloud Vault, refreshed by keyrotator's webhook) and a client
 * that learns its key only from its own refresh of OpenBao, through many short-overlap rotations. With
 * publish-ahead no call is rejected; without it, the calls the race rejects are counted. Then an
 * emergency rotation, after which the old key must be rejected within a second.
 */
class ZeroDowntimeReliabilityIntegrationTests {

    private static final Duration CLIENT_REFRESH = Duration.ofMillis(250);

    private final Scale scale = Scale.current();

    @Test
    void publishAheadLetsAClientAndAVerifierRefreshIndependentlyWithoutARejectedCall() throws Exception {
        try (Stack stack = Stack.inMemory("chain")) {
            ServiceProcess service = stack.service("chain", Map.of("keyrotator.scheduler.poll-interval", "PT0.2S"))
                    .start();
            Api api = service.api(TestServices.TOKEN);
            stack.registerKeys(
                    api, "ahead", 1, Map.of("rotationPeriod", "PT4S", "overlap", "PT2S", "publishAhead", "PT1S"));
            stack.registerKeys(
                    api, "plain", 1, Map.of("rotationPeriod", "PT4S", "overlap", "PT2S", "publishAhead", "PT0S"));
            try (ConfigurableApplicationContext ahead = verifier(stack, api, "ahead-0");
                    ConfigurableApplicationContext plain = verifier(stack, api, "plain-0");
                    Client aheadClient =
                            new Client(stack.bao.admin(), "secret", "api-keys/ahead-0", port(ahead), CLIENT_REFRESH);
                    Client plainClient =
                            new Client(stack.bao.admin(), "secret", "api-keys/plain-0", port(plain), CLIENT_REFRESH)) {
                int aheadStart = currentVersion(api, "ahead-0");
                int plainStart = currentVersion(api, "plain-0");
                Awaitility.await(scale.chainRotations() + " rotations of each key")
                        .atMost(Duration.ofSeconds(scale.chainRotations() * 4L + 60))
                        .pollInterval(Duration.ofMillis(500))
                        .until(() -> currentVersion(api, "ahead-0") - aheadStart >= scale.chainRotations()
                                && currentVersion(api, "plain-0") - plainStart >= scale.chainRotations());
                Client.Counts withPublishAhead = aheadClient.stop();
                Client.Counts withoutPublishAhead = plainClient.stop();

                api.patch("/api/v1/keys/ahead-0", Map.of("state", "PAUSED"));
                Settle.drain(stack.db, Duration.ofSeconds(30));
                String old = aheadClient.currentKey();
                Api.Response emergency =
                        api.post("/api/v1/keys/ahead-0/rotations", Map.of("reason", "leaked", "overlap", "PT0S"));
                long emergencyAt = System.nanoTime();
                assertThat(emergency.status()).isEqualTo(201);
                Awaitility.await("old key rejected")
                        .atMost(Duration.ofSeconds(5))
                        .pollInterval(Duration.ofMillis(10))
                        .until(() -> Client.call(port(ahead), old) == 401);
                long rejectedAfterMillis = (System.nanoTime() - emergencyAt) / 1_000_000;

                Map<String, Object> figures = new LinkedHashMap<>();
                figures.put("rotationsPerPhase", scale.chainRotations());
                figures.put("publishAheadCalls", withPublishAhead.calls());
                figures.put("publishAheadRejected", withPublishAhead.rejected());
                figures.put("noPublishAheadCalls", withoutPublishAhead.calls());
                figures.put("noPublishAheadRejected", withoutPublishAhead.rejected());
                figures.put("oldKeyRejectedMillisAfterEmergency", rejectedAfterMillis);
                Report.print("zero-downtime", figures);
                assertThat(withPublishAhead.calls()).isPositive();
                assertThat(withPublishAhead.rejected())
                        .as("rejected with publish-ahead: %s", withPublishAhead.firstRejections())
                        .isZero();
                assertThat(rejectedAfterMillis).isLessThan(1_000L);
            }
        }
    }

    private static ConfigurableApplicationContext verifier(Stack stack, Api api, String key) {
        ConfigurableApplicationContext context = VerifierApplication.start(
                stack.bao.address().toString(),
                stack.bao.rootToken(),
                "secret",
                "api-keys/" + key,
                Map.of(
                        "spring.datasource.url", stack.database.jdbcUrl(),
                        "spring.datasource.username", stack.database.username(),
                        "spring.datasource.password", stack.database.password()));
        Api.Response subscribed = api.post(
                "/api/v1/webhooks",
                Map.of(
                        "url",
                        "http://127.0.0.1:" + port(context) + "/actuator/refresh",
                        "format",
                        "spring-cloud-refresh",
                        "keys",
                        List.of(key)));
        assertThat(subscribed.status()).as(subscribed.toString()).isEqualTo(201);
        return context;
    }

    private static int port(ConfigurableApplicationContext context) {
        return Integer.parseInt(context.getEnvironment().getProperty("local.server.port", "0"));
    }

    private static int currentVersion(Api api, String key) {
        return ((Number) api.get("/api/v1/keys/" + key).json().get("currentVersion")).intValue();
    }
}
