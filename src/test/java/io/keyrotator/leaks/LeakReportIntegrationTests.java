package io.keyrotator.leaks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.keyrotator.rotation.protocol.KeyMaterial;
import io.keyrotator.rotation.protocol.RotationEngine;
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
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
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

/** A leak reported over the API, from the report to the leaked value invalid and destroyed in OpenBao. */
@KeyrotatorIntegrationTest
@TestPropertySource(
        properties = {
            "keyrotator.security.api-tokens[1].name=verifier",
            "keyrotator.security.api-tokens[1].sha256=" + TestServices.ACK_TOKEN_SHA256,
            "keyrotator.security.api-tokens[1].scopes=keys:ack"
        })
class LeakReportIntegrationTests {

    @RegisterExtension
    static final OpenBaoExtension vault = new OpenBaoExtension();

    @LocalServerPort
    int port;

    @Autowired
    SecretStore store;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    MutableClock clock;

    @Autowired
    MeterRegistry meters;

    @Autowired
    LeakSteps steps;

    @Autowired
    LeakFinder finder;

    @Autowired
    LeakWorker worker;

    @Autowired
    RotationEngine engine;

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
    void aLeakedCurrentKeyIsRotatedAtOnceWithoutOverlapAndDestroyed() {
        String name = register(Map.of());
        String leaked = latest(name).string("api_key");

        Api.Response reported = api.post(
                "/api/v1/leaks", Map.of("value", leaked, "source", "https://paste.example/x1", "reason", "pasted"));

        assertThat(reported.status()).as(reported.body()).isEqualTo(201);
        Map<String, Object> leak = reported.json();
        assertThat(leak)
                .containsEntry("outcome", "ROTATED")
                .containsEntry("key", name)
                .containsEntry("version", 1)
                .containsEntry("source", "https://paste.example/x1")
                .containsEntry("reporter", "tester");
        assertThat(leak.get("invalidatedAt")).isNotNull();
        assertThat(reported.header("Location")).isEqualTo("/api/v1/leaks/" + leak.get("id"));
        SecretVersion now = latest(name);
        assertThat(now.string("api_key")).isNotEqualTo(leaked);
        assertThat(now.data()).doesNotContainKeys("previous_api_key", "next_api_key");
        Map<String, Object> destroyed = awaitDestroyed((String) leak.get("id"));
        assertThat(destroyed.get("destroyedAt")).isNotNull();
        assertThat(store.read(path(name), 1)).as("the KV version that held it").isEmpty();
        assertThat(versionStates(name)).containsExactly("CURRENT", "RETIRED");
        assertThat(jdbc.sql("SELECT count(*) FROM webhook_event WHERE type = 'key.leaked' AND key_name = ?")
                        .param(name)
                        .query(Long.class)
                        .single())
                .isEqualTo(1);
        assertThat(meters.get("keyrotator.leak.time.to.invalid").timer().count())
                .isPositive();
    }

    @Test
    void aLeakedPreviousKeyAndALeakedNextKeyAreRotatedAwayToo() {
        String overlapping = register(Map.of());
        api.post("/api/v1/keys/" + overlapping + "/rotations", null);
        String previous = latest(overlapping).string("previous_api_key");
        String ahead = register(Map.of("rotationPeriod", "P30D", "overlap", "PT1H", "publishAhead", "PT1H"));
        api.post("/api/v1/keys/" + ahead + "/rotations", null);
        String next = latest(ahead).string("next_api_key");
        assertThat(previous).isNotNull();
        assertThat(next).isNotNull();

        Map<String, Object> leakOfPrevious =
                api.post("/api/v1/leaks", Map.of("value", previous)).json();
        Map<String, Object> leakOfNext =
                api.post("/api/v1/leaks", Map.of("value", next)).json();

        assertThat(leakOfPrevious).containsEntry("outcome", "ROTATED").containsEntry("version", 1);
        assertThat(leakOfNext).containsEntry("outcome", "ROTATED").containsEntry("version", 2);
        assertThat(latest(overlapping).data()).doesNotContainKey("previous_api_key");
        assertThat(latest(overlapping).data().values()).doesNotContain(previous);
        assertThat(latest(ahead).data().values()).doesNotContain(next);
        assertThat(latest(ahead).data()).doesNotContainKeys("next_api_key", "previous_api_key");
    }

    @Test
    void aLeakReportedByHashIsTheSameLeakAndReportingItAgainDoesNothingMore() {
        String name = register(Map.of());
        String leaked = latest(name).string("api_key");

        Api.Response first =
                api.post("/api/v1/leaks", Map.of("sha256", sha256(leaked).toUpperCase()));
        Api.Response again = api.post("/api/v1/leaks", Map.of("value", leaked));
        Api.Response byHashAgain = api.post("/api/v1/leaks", Map.of("sha256", sha256(leaked)));

        assertThat(first.status()).as(first.body()).isEqualTo(201);
        assertThat(first.json()).containsEntry("outcome", "ROTATED");
        assertThat(again.status()).isEqualTo(200);
        assertThat(byHashAgain.status()).isEqualTo(200);
        assertThat(again.json()).containsEntry("id", first.json().get("id"));
        assertThat(versionStates(name)).hasSize(2);
        assertThat(api.get("/api/v1/keys/" + name + "/leaks").json().get("items"))
                .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.LIST)
                .hasSize(1);
    }

    @Test
    void aValueAlreadyInvalidIsRecordedWithSinceWhenAndRotatesNothing() {
        String name = register(Map.of());
        String old = latest(name).string("api_key");
        api.post("/api/v1/keys/" + name + "/rotations", Map.of("overlap", "PT0S"));
        PendingVaultSync.awaitNone(jdbc);

        Map<String, Object> leak =
                api.post("/api/v1/leaks", Map.of("value", old)).json();

        assertThat(leak).containsEntry("outcome", "ALREADY_INVALID").containsEntry("version", 1);
        assertThat(leak.get("invalidatedAt")).isNotNull();
        assertThat(leak.get("destroyedAt"))
                .as("its KV versions were destroyed already")
                .isNotNull();
        assertThat(versionStates(name)).hasSize(2);
    }

    @Test
    void anUnknownValueAndAGuessedHashOfAKnownFingerprintAreBothUnknownAndRotateNothing() {
        String name = register(Map.of());
        String fingerprint = KeyMaterial.fingerprintOf(latest(name).string("api_key"));
        String guessed = fingerprint + randomHex(24);

        Map<String, Object> unknown = api.post("/api/v1/leaks", Map.of("value", "not-ours-" + randomHex(16)))
                .json();
        Map<String, Object> guess =
                api.post("/api/v1/leaks", Map.of("sha256", guessed)).json();

        assertThat(unknown)
                .containsEntry("outcome", "UNKNOWN")
                .containsEntry("key", null)
                .containsEntry("version", null);
        assertThat(guess).containsEntry("outcome", "UNKNOWN").containsEntry("key", null);
        assertThat(unknown.keySet()).isEqualTo(guess.keySet());
        assertThat(versionStates(name)).containsExactly("CURRENT");
    }

    @Test
    void aKeyThatNotifiesOnLeakIsRecordedAndCountedButNotRotated() {
        String name = register(Map.of("onLeak", "NOTIFY"));
        String leaked = latest(name).string("api_key");

        Map<String, Object> leak =
                api.post("/api/v1/leaks", Map.of("value", leaked)).json();

        assertThat(leak).containsEntry("outcome", "NOTIFIED").containsEntry("invalidatedAt", null);
        assertThat(latest(name).string("api_key")).isEqualTo(leaked);
        assertThat(meters.get("keyrotator.leaks")
                        .tag("key", name)
                        .tag("outcome", "NOTIFIED")
                        .counter()
                        .count())
                .isEqualTo(1);
        assertThat(api.get("/api/v1/keys/" + name).json()).containsEntry("onLeak", "NOTIFY");
    }

    @Test
    void aHandlerThatCrashedAfterVaultTookTheRotationLeavesOneRotationForTheWorkerToConfirm() {
        String name = register(Map.of());
        Reported reported = Reported.value(latest(name).string("api_key"));
        Finding finding = finder.find(reported);
        LeakReport pending = steps.record(
                        finding,
                        reported,
                        new Reporter("tester", "api", null, null),
                        clock.instant(),
                        Duration.ofMinutes(1))
                .report();
        long versionId = ((Finding.Live) finding).version().id();
        // the handler's rotation reached Vault, and the handler died before recording it
        engine.rotate(
                name,
                LeakCommands.emergency(new LeakRecords.Pending(
                        pending.id(), name, versionId, "tester", null, pending.reportedAt(), 0, "api")));
        assertThat(api.get("/api/v1/leaks/" + pending.id()).json()).containsEntry("outcome", "PENDING");
        // and the Vault sync destroyed the leaked version before the worker came
        await().atMost(Duration.ofSeconds(20))
                .until(() -> store.read(path(name), 1).isEmpty());

        clock.advance(Duration.ofMinutes(2));
        worker.runOnce();

        await().atMost(Duration.ofSeconds(20))
                .until(() -> "ROTATED"
                        .equals(api.get("/api/v1/leaks/" + pending.id()).json().get("outcome")));
        assertThat(versionStates(name)).as("one rotation between the two").containsExactly("CURRENT", "RETIRED");
        assertThat(api.get("/api/v1/leaks/" + pending.id()).json().get("destroyedAt"))
                .as("a destruction that came first is recorded with the report")
                .isNotNull();
    }

    @Test
    void reportsNeedTheirScopeAndAValidBodyAndNoAnswerEchoesTheValue() {
        String name = register(Map.of());
        String leaked = latest(name).string("api_key");
        Api withoutScope = new Api(port, TestServices.ACK_TOKEN);

        assertThat(withoutScope.post("/api/v1/leaks", Map.of("value", leaked)).status())
                .isEqualTo(403);
        List<Api.Response> refused = List.of(
                api.post("/api/v1/leaks", Map.of()),
                api.post("/api/v1/leaks", Map.of("value", leaked, "sha256", sha256(leaked))),
                api.post("/api/v1/leaks", Map.of("sha256", "abc")),
                api.post("/api/v1/leaks", Map.of("value", "")),
                api.post("/api/v1/leaks", Map.of("value", leaked, "reason", "found " + leaked + " in a log")),
                // found by the fuzzer: PostgreSQL refuses NUL in text, which was a 500
                api.post("/api/v1/leaks", Map.of("value", leaked, "source", "https://x.example/\u0000")),
                api.post("/api/v1/leaks", "{\"value\": \"" + leaked + "\", \"extra\": 1}"),
                api.post("/api/v1/leaks", "{\"value\": \"" + leaked + "\""),
                api.get("/api/v1/leaks?limit=0"),
                api.get("/api/v1/leaks/not-a-uuid"),
                api.get("/api/v1/leaks/" + UUID.randomUUID()),
                api.get("/api/v1/keys/no-such-key/leaks"));

        assertThat(refused)
                .extracting(Api.Response::status)
                .containsExactly(400, 400, 400, 400, 400, 400, 400, 400, 400, 400, 404, 404);
        assertThat(refused).allSatisfy(response -> {
            assertThat(response.header("Content-Type")).startsWith("application/problem+json");
            assertThat(response.body()).doesNotContain(leaked);
        });
        assertThat(versionStates(name)).containsExactly("CURRENT");
        assertThat(jdbc.sql("SELECT count(*) FROM leak_report WHERE key_name = ?")
                        .param(name)
                        .query(Long.class)
                        .single())
                .isZero();
    }

    private Map<String, Object> awaitDestroyed(String id) {
        await().atMost(Duration.ofSeconds(20))
                .until(() -> api.get("/api/v1/leaks/" + id).json().get("destroyedAt") != null);
        return api.get("/api/v1/leaks/" + id).json();
    }

    private List<String> versionStates(String name) {
        return jdbc.sql("SELECT v.state FROM key_version v JOIN managed_key k ON k.id = v.key_id WHERE k.name = ?"
                        + " ORDER BY v.version DESC")
                .param(name)
                .query(String.class)
                .list();
    }

    private String register(Map<String, Object> settings) {
        String name = "leak-" + UUID.randomUUID().toString().substring(0, 8);
        Map<String, Object> body = new HashMap<>(settings);
        body.put("name", name);
        Api.Response created = api.post("/api/v1/keys", body);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        PendingVaultSync.awaitNone(jdbc);
        return name;
    }

    private SecretVersion latest(String name) {
        return store.read(path(name), SecretStore.LATEST).orElseThrow();
    }

    private KvPath path(String name) {
        return KvPath.of(vault.mount(), "api-keys/" + name);
    }

    static String sha256(String value) {
        return HexFormat.of().formatHex(Reported.sha256(value));
    }

    static String randomHex(int bytes) {
        byte[] random = new byte[bytes];
        new SecureRandom().nextBytes(random);
        return HexFormat.of().formatHex(random);
    }
}
