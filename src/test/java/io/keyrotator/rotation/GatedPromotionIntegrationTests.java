package io.keyrotator.rotation;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyrotator.rotation.protocol.KeyStatuses;
import io.keyrotator.rotation.schedule.RotationScheduler;
import io.keyrotator.support.Api;
import io.keyrotator.support.KeyrotatorIntegrationTest;
import io.keyrotator.support.MutableClock;
import io.keyrotator.support.OpenBaoExtension;
import io.keyrotator.support.PendingVaultSync;
import io.keyrotator.support.TestServices;
import io.keyrotator.vault.KvPath;
import io.keyrotator.vault.SecretStore;
import io.keyrotator.vault.SecretVersion;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
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
 * Gated promotion: a published key becomes current, and an overlap closes, only once the awaited
 * consumers' live instances hold the version that makes it safe, within the timeout.
 */
@KeyrotatorIntegrationTest
@TestPropertySource(
        properties = {
            "keyrotator.security.api-tokens[1].name=orders-verifier",
            "keyrotator.security.api-tokens[1].sha256=" + TestServices.ACK_TOKEN_SHA256,
            "keyrotator.security.api-tokens[1].scopes=keys:ack",
            "keyrotator.consumers.expire-after=PT10M",
            // small, so that a few waiting keys fill a batch
            "keyrotator.scheduler.batch-size=2"
        })
class GatedPromotionIntegrationTests {

    @RegisterExtension
    static final OpenBaoExtension vault = new OpenBaoExtension();

    @LocalServerPort
    int port;

    @Autowired
    MutableClock clock;

    @Autowired
    RotationScheduler scheduler;

    @Autowired
    SecretStore store;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    KeyStatuses statuses;

    @Autowired
    MeterRegistry registry;

    Api api;
    Api consumers;

    @DynamicPropertySource
    static void services(DynamicPropertyRegistry registry) {
        TestServices.register(registry, vault);
    }

    @BeforeEach
    void clients() {
        api = new Api(port, TestServices.TOKEN);
        consumers = new Api(port, TestServices.ACK_TOKEN);
    }

    @Test
    void aPublishedKeyWaitsUntilEveryLiveInstanceOfTheAwaitedConsumersHoldsIt() {
        String name = register("PT3M", "PROMOTE");
        String first = latest(name).string("api_key");
        publish(name);
        assertThat(latest(name).data()).containsEntry("next_key_version", 2);
        ack(name, "orders", "a", 2);
        ack(name, "orders", "b", 1);
        ack(name, "billing", "x", 1);

        clock.advance(Duration.ofMinutes(2).plusSeconds(1));
        ack(name, "orders", "a", 2);
        ack(name, "orders", "b", 1);
        scheduler.runOnce();
        assertThat(latest(name).string("api_key"))
                .as("orders/b does not hold version 2 yet")
                .isEqualTo(first);
        assertThat(api.get("/api/v1/keys/" + name).json()).containsEntry("nextVersion", 2);

        ack(name, "orders", "b", 2);
        scheduler.runOnce();

        assertThat(latest(name).data())
                .as("billing is not awaited")
                .containsEntry("key_version", 2)
                .doesNotContainKeys("next_api_key", "next_key_version");
        assertThat(delays(name)).isEmpty();
    }

    @Test
    void aPromotionThatTimesOutPromotesWithoutTheInstanceBehindAndSaysSo() {
        String name = register("PT3M", "PROMOTE");
        publish(name);
        ack(name, "orders", "a", 2);
        ack(name, "orders", "lagging", 1);

        clock.advance(Duration.ofMinutes(2).plusSeconds(1).plus(Duration.ofMinutes(3)));
        ack(name, "orders", "a", 2);
        ack(name, "orders", "lagging", 1);
        scheduler.runOnce();

        assertThat(latest(name).data()).containsEntry("key_version", 2);
        assertThat(delays(name))
                .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
                .contains("\"outcome\":\"promote\"", "\"step\":\"promotion\"", "\"instance\":\"lagging\"");
        assertThat(registry.get("keyrotator.promotions.delayed")
                        .tag("outcome", "promote")
                        .tag("key", name)
                        .counter()
                        .count())
                .isEqualTo(1);
    }

    @Test
    void aHeldPromotionWaitsPastItsTimeoutUntilTheInstanceBehindDropsOut() {
        String name = register("PT3M", "HOLD");
        String first = latest(name).string("api_key");
        publish(name);
        ack(name, "orders", "a", 2);
        ack(name, "orders", "stuck", 1);

        clock.advance(Duration.ofMinutes(5).plusSeconds(2));
        ack(name, "orders", "a", 2);
        ack(name, "orders", "stuck", 1);
        scheduler.runOnce();
        scheduler.runOnce();

        assertThat(latest(name).string("api_key")).isEqualTo(first);
        assertThat(delays(name))
                .as("reported once, however many ticks hold it")
                .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
                .contains("\"outcome\":\"hold\"");
        Instant now = clock.instant();
        assertThat(statuses.summary(now, now, 20).heldNames()).contains(name);

        // the stuck instance stops reporting (its pod is gone) and drops out after expire-after
        clock.advance(Duration.ofMinutes(10).plusSeconds(1));
        ack(name, "orders", "a", 2);
        scheduler.runOnce();

        assertThat(latest(name).data()).containsEntry("key_version", 2);
        assertThat(statuses.summary(clock.instant(), clock.instant(), 20).heldNames())
                .doesNotContain(name);
    }

    @Test
    void anOperatorReleasesAHeldPromotionByPatchingOnTimeout() {
        String name = register("PT3M", "HOLD");
        publish(name);
        clock.advance(Duration.ofMinutes(5).plusSeconds(2));
        ack(name, "orders", "stuck", 1);
        scheduler.runOnce();
        assertThat(api.get("/api/v1/keys/" + name).json()).containsEntry("currentVersion", 1);

        api.patch(
                "/api/v1/keys/" + name,
                Map.of(
                        "promotion",
                        Map.of("awaitConsumers", List.of("orders"), "timeout", "PT3M", "onTimeout", "PROMOTE")));
        scheduler.runOnce();

        assertThat(latest(name).data()).containsEntry("key_version", 2);
        assertThat(delays(name)).as("the delay was reported when it began").hasSize(1);
    }

    @Test
    void keysWaitingOnTheirConsumersDoNotHoldUpThePromotionsDueAfterThem() {
        List<String> waiting =
                List.of(register("PT3M", "PROMOTE"), register("PT3M", "PROMOTE"), register("PT3M", "PROMOTE"));
        clock.advance(Duration.ofSeconds(1));
        Map<String, Object> body = new HashMap<>();
        String free = "free-" + UUID.randomUUID().toString().substring(0, 8);
        body.put("name", free);
        body.put("rotationPeriod", "PT1H");
        body.put("overlap", "PT5M");
        body.put("publishAhead", "PT2M");
        assertThat(api.post("/api/v1/keys", body).status()).isEqualTo(201);
        PendingVaultSync.awaitNone(jdbc);
        // the gated keys are published (and due) a second before the free one
        clock.advance(Duration.ofMinutes(58));
        scheduler.runOnce();
        clock.advance(Duration.ofSeconds(1));
        scheduler.runOnce();

        clock.advance(Duration.ofMinutes(2).plusSeconds(1));
        waiting.forEach(name -> ack(name, "orders", "behind", 1));
        scheduler.runOnce();

        assertThat(latest(free).data())
                .as("a batch of 2 held only waiting keys: the pass goes on past them")
                .containsEntry("key_version", 2);
        waiting.forEach(name -> assertThat(latest(name).data()).containsEntry("key_version", 1));
    }

    @Test
    void theOverlapClosesOnlyOnceNoLiveInstanceStillHoldsThePreviousKey() {
        String name = register("PT3M", "HOLD");
        ack(name, "orders", "a", 1);
        ack(name, "orders", "b", 1);
        Instant rotatedAt = clock.instant();
        assertThat(api.post("/api/v1/keys/" + name + "/rotations", Map.of("reason", "drill", "overlap", "PT5M"))
                        .status())
                .isEqualTo(201);
        SecretVersion rotated = latest(name);
        assertThat(rotated.string("previous_expires_at"))
                .as("verifiers accept the previous key until the latest the close may wait to")
                .isEqualTo(rotatedAt
                        .plus(Duration.ofMinutes(5 + 3))
                        .truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                        .toString());
        ack(name, "orders", "a", 2);

        clock.advance(Duration.ofMinutes(5).plusSeconds(1));
        ack(name, "orders", "a", 2);
        ack(name, "orders", "b", 1);
        scheduler.runOnce();
        assertThat(latest(name).data()).as("orders/b still presents version 1").containsKey("previous_api_key");

        ack(name, "orders", "b", 2);
        scheduler.runOnce();
        assertThat(latest(name).data()).doesNotContainKey("previous_api_key");
        assertThat(delays(name)).isEmpty();
    }

    @Test
    void aPromotedKeysOverlapClosesOnlyOnceNoInstanceStillPresentsThePreviousKey() {
        String name = register("PT3M", "PROMOTE");
        publish(name);
        // each holds version 2 as the published key, and presents version 1
        ack(name, "orders", "a", 2, 1);
        ack(name, "orders", "b", 2, 1);
        clock.advance(Duration.ofMinutes(2).plusSeconds(1));
        scheduler.runOnce();
        assertThat(latest(name).data()).containsEntry("key_version", 2).containsKey("previous_api_key");

        clock.advance(Duration.ofMinutes(5).plusSeconds(1));
        ack(name, "orders", "a", 2, 2);
        // b missed the promotion: it still presents version 1
        ack(name, "orders", "b", 2, 1);
        scheduler.runOnce();
        assertThat(latest(name).data())
                .as("orders/b still presents the previous key")
                .containsKey("previous_api_key");

        ack(name, "orders", "b", 2, 2);
        scheduler.runOnce();
        assertThat(latest(name).data()).doesNotContainKey("previous_api_key");
    }

    @Test
    void aCurrentVersionAboveTheHeldOneIsRefused() {
        String name = register("PT3M", "PROMOTE");

        Api.Response refused = consumers.put(
                "/api/v1/keys/" + name + "/consumers/orders/instances/a", Map.of("version", 1, "current", 2));

        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.body()).contains("current");
    }

    @Test
    void anOverlapCloseThatTimesOutClosesEvenWhenTheKeyHoldsPromotions() {
        String name = register("PT3M", "HOLD");
        api.post("/api/v1/keys/" + name + "/rotations", Map.of("reason", "drill", "overlap", "PT5M"));

        clock.advance(Duration.ofMinutes(8).plusSeconds(2));
        ack(name, "orders", "behind", 1);
        scheduler.runOnce();

        assertThat(latest(name).data()).doesNotContainKey("previous_api_key");
        assertThat(delays(name))
                .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
                .contains("\"step\":\"overlap-close\"", "\"outcome\":\"close\"");
    }

    @Test
    void registrationShowsThePromotionAndRejectsABadOneFieldByField() {
        String name = register("PT3M", "HOLD");
        assertThat(api.get("/api/v1/keys/" + name).json())
                .containsEntry(
                        "promotion",
                        Map.of("awaitConsumers", List.of("orders"), "timeout", "PT3M", "onTimeout", "HOLD"));

        Api.Response bad = api.post(
                "/api/v1/keys",
                Map.of(
                        "name",
                        "bad-promotion",
                        "promotion",
                        Map.of("awaitConsumers", List.of("Orders!"), "timeout", "soon", "onTimeout", "maybe")));

        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.body()).contains("promotion.awaitConsumers", "promotion.timeout", "promotion.onTimeout");
        Api.Response off = api.patch("/api/v1/keys/" + name, Map.of("promotion", Map.of("awaitConsumers", List.of())));
        assertThat(off.json())
                .containsEntry(
                        "promotion", Map.of("awaitConsumers", List.of(), "timeout", "PT10M", "onTimeout", "PROMOTE"));
    }

    /** A key that publishes 2 minutes ahead, keeps a 5-minute overlap and awaits {@code orders}. */
    private String register(String timeout, String onTimeout) {
        String name = "gated-" + UUID.randomUUID().toString().substring(0, 8);
        Map<String, Object> body = new HashMap<>();
        body.put("name", name);
        body.put("rotationPeriod", "PT1H");
        body.put("overlap", "PT5M");
        body.put("publishAhead", "PT2M");
        body.put("promotion", Map.of("awaitConsumers", List.of("orders"), "timeout", timeout, "onTimeout", onTimeout));
        Api.Response created = api.post("/api/v1/keys", body);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        PendingVaultSync.awaitNone(jdbc);
        return name;
    }

    /** To 2 minutes before the key's period ends: version 2 is published, due in 2 minutes. */
    private void publish(String name) {
        clock.advance(Duration.ofMinutes(58).plusSeconds(1));
        scheduler.runOnce();
        assertThat(api.get("/api/v1/keys/" + name).json()).containsEntry("nextVersion", 2);
    }

    private void ack(String name, String consumer, String instance, int version) {
        ack(name, consumer, instance, version, version);
    }

    /** {@code version}: the newest held; {@code current}: the one presented. */
    private void ack(String name, String consumer, String instance, int version, int current) {
        Api.Response answer = consumers.put(
                "/api/v1/keys/" + name + "/consumers/" + consumer + "/instances/" + instance,
                Map.of("version", version, "current", current));
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
    }

    private List<String> delays(String name) {
        return jdbc.sql("SELECT payload::text FROM webhook_event WHERE type = 'key.promotion_delayed' AND key_name = ?")
                .param(name)
                .query(String.class)
                .list();
    }

    private SecretVersion latest(String name) {
        return store.read(KvPath.of(vault.mount(), "api-keys/" + name), SecretStore.LATEST)
                .orElseThrow();
    }
}
