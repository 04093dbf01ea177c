package io.keyrotator.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import example.verifier.VerifierApplication;
import io.keyrotator.support.Api;
import io.keyrotator.support.OwnServices;
import io.keyrotator.support.ServiceProcess;
import io.keyrotator.support.TestServices;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Scenario 7: a real verifier (Spring Cloud Vault, refreshed by keyrotator's webhook, which reaches
 * it {@link #REFRESH_DELAY} late as a slow refresh would) and a client that learns its key only from
 * its own refresh of OpenBao, through many short-overlap rotations. With publish-ahead no call is
 * rejected; without it (the control, same setup) the race must reject calls, which shows that the
 * chain can see a rejection at all. Then an emergency rotation, after which the old key is rejected
 * as soon as the refresh it triggers has reached the verifier.
 */
// alone: a busy machine would cost it rejected calls. Near the end of the main lane, holding the second lane's lock
@Order(Integer.MAX_VALUE - 2)
@ResourceLock(OwnServices.LANE)
class ZeroDowntimeReliabilityIntegrationTests {

    private static final Duration CLIENT_REFRESH = Duration.ofMillis(250);
    private static final Duration REFRESH_DELAY = Duration.ofMillis(400);

    private final Scale scale = Scale.current();

    @Test
    void publishAheadLetsAClientAndAVerifierRefreshIndependentlyWithoutARejectedCall() throws Exception {
        try (Stack stack = Stack.inMemory("chain")) {
            ServiceProcess service = stack.service("chain", Map.of("keyrotator.scheduler.poll-interval", "PT0.2S"))
                    .start();
            Api api = service.api(TestServices.TOKEN);
            // registered idle: the chain starts only once both verifiers are subscribed and warm
            stack.registerKeys(
                    api, "ahead", 1, Map.of("rotationPeriod", "PT1H", "overlap", "PT2S", "publishAhead", "PT1S"));
            stack.registerKeys(
                    api, "plain", 1, Map.of("rotationPeriod", "PT1H", "overlap", "PT2S", "publishAhead", "PT0S"));
            try (ConfigurableApplicationContext ahead = verifier(stack, "ahead-0");
                    ConfigurableApplicationContext plain = verifier(stack, "plain-0");
                    SlowRefresh aheadRefresh = subscribe(api, "ahead-0", ahead);
                    SlowRefresh plainRefresh = subscribe(api, "plain-0", plain);
                    Client aheadClient =
                            new Client(stack.bao.admin(), "secret", "api-keys/ahead-0", port(ahead), CLIENT_REFRESH);
                    Client plainClient =
                            new Client(stack.bao.admin(), "secret", "api-keys/plain-0", port(plain), CLIENT_REFRESH)) {
                int aheadStart = currentVersion(api, "ahead-0");
                int plainStart = currentVersion(api, "plain-0");
                // the first refresh through a cold proxy and context takes longer than the publish-ahead
                // window on a busy machine: warm both paths before the chain starts
                refreshNow(aheadRefresh.url("/actuator/refresh"));
                refreshNow(plainRefresh.url("/actuator/refresh"));
                for (String key : List.of("ahead-0", "plain-0")) {
                    assertThat(api.patch("/api/v1/keys/" + key, Map.of("rotationPeriod", "PT4S"))
                                    .status())
                            .isEqualTo(200);
                }
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
                assertThat(Client.call(port(ahead), old)).isEqualTo(200);
                long refreshes = aheadRefresh.forwarded();
                Api.Response emergency =
                        api.post("/api/v1/keys/ahead-0/rotations", Map.of("reason", "leaked", "overlap", "PT0S"));
                long emergencyAt = System.nanoTime();
                assertThat(emergency.status()).isEqualTo(201);
                Awaitility.await("the refresh the emergency rotation triggers reached the verifier")
                        .atMost(Duration.ofSeconds(30))
                        .pollInterval(Duration.ofMillis(10))
                        .until(() -> aheadRefresh.forwarded() > refreshes);
                long rejectedAfterMillis = (System.nanoTime() - emergencyAt) / 1_000_000;
                int oldKeyAfterRefresh = Client.call(port(ahead), old);

                Map<String, Object> figures = new LinkedHashMap<>();
                figures.put("rotationsPerPhase", scale.chainRotations());
                figures.put("publishAheadCalls", withPublishAhead.calls());
                figures.put("publishAheadRejected", withPublishAhead.rejected());
                figures.put("noPublishAheadCalls", withoutPublishAhead.calls());
                figures.put("noPublishAheadRejected", withoutPublishAhead.rejected());
                figures.put("verifierRefreshDelayMillis", REFRESH_DELAY.toMillis());
                figures.put("oldKeyRejectedMillisAfterEmergency", rejectedAfterMillis);
                Report.print("zero-downtime", figures);
                assertThat(withPublishAhead.calls()).isPositive();
                assertThat(withPublishAhead.rejected())
                        .as("rejected with publish-ahead: %s", withPublishAhead.firstRejections())
                        .isZero();
                assertThat(withoutPublishAhead.rejected())
                        .as("the control: without publish-ahead the slow refresh must cost rejected calls")
                        .isPositive();
                assertThat(oldKeyAfterRefresh)
                        .as("the old key, once the emergency rotation's refresh reached the verifier")
                        .isEqualTo(401);
            }
        }
    }

    private static ConfigurableApplicationContext verifier(Stack stack, String key) {
        return VerifierApplication.start(
                stack.bao.address().toString(),
                stack.bao.rootToken(),
                "secret",
                "api-keys/" + key,
                Map.of(
                        "spring.datasource.url", stack.database.jdbcUrl(),
                        "spring.datasource.username", stack.database.username(),
                        "spring.datasource.password", stack.database.password()));
    }

    /** Subscribes the verifier to its key's events through a {@link SlowRefresh}. */
    private static SlowRefresh subscribe(Api api, String key, ConfigurableApplicationContext verifier) {
        SlowRefresh slow = new SlowRefresh(port(verifier), REFRESH_DELAY);
        Api.Response subscribed = api.post(
                "/api/v1/webhooks",
                Map.of("url", slow.url("/actuator/refresh"), "format", "spring-cloud-refresh", "keys", List.of(key)));
        assertThat(subscribed.status()).as(subscribed.toString()).isEqualTo(201);
        return slow;
    }

    private static void refreshNow(String url) throws Exception {
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<Void> refreshed = http.send(
                    HttpRequest.newBuilder(URI.create(url))
                            .POST(HttpRequest.BodyPublishers.noBody())
                            .build(),
                    HttpResponse.BodyHandlers.discarding());
            assertThat(refreshed.statusCode()).isEqualTo(200);
        }
    }

    private static int port(ConfigurableApplicationContext context) {
        return Integer.parseInt(context.getEnvironment().getProperty("local.server.port", "0"));
    }

    private static int currentVersion(Api api, String key) {
        return ((Number) api.get("/api/v1/keys/" + key).json().get("currentVersion")).intValue();
    }
}
