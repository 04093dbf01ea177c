package io.keyrotator.rotation;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyrotator.rotation.protocol.KeyMaterial;
import io.keyrotator.rotation.schedule.IntentRetention;
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
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** Registration and forced rotation through the REST API, checked in real OpenBao. */
@KeyrotatorIntegrationTest
class RotationIntegrationTests {

    @RegisterExtension
    static final OpenBaoExtension vault = new OpenBaoExtension();

    @LocalServerPort
    int port;

    @Autowired
    SecretStore store;

    @Autowired
    MutableClock clock;

    @Autowired
    org.springframework.jdbc.core.simple.JdbcClient jdbc;

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
    void registrationWritesTheFirstKeyToVault() {
        String name = uniqueName();

        Api.Response created = api.post("/api/v1/keys", Map.of("name", name, "labels", Map.of("team", "payments")));

        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(created.header("Location")).isEqualTo("/api/v1/keys/" + name);
        Map<String, Object> view = created.json();
        assertThat(view)
                .containsEntry("state", "ACTIVE")
                .containsEntry("currentVersion", 1)
                .containsEntry("vaultPath", "api-keys/" + name)
                .containsEntry("rotationPeriod", "P30D")
                .containsEntry("overlap", "PT24H")
                .containsEntry("previousVersion", null);
        PendingVaultSync.awaitNone(jdbc);
        SecretVersion secret = latest(name);
        assertThat(secret.data()).containsEntry("key_version", 1).containsKeys("api_key", "rotated_at");
        assertThat(KeyMaterial.fingerprintOf(secret.string("api_key"))).isEqualTo(view.get("currentFingerprint"));
        assertThat(secret.customMetadata())
                .containsEntry("managed-by", "keyrotator")
                .containsEntry("key-version", "1")
                .containsEntry("trigger", "registration")
                .containsEntry("fingerprint", (String) view.get("currentFingerprint"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void forcedRotationKeepsThePreviousKeyForTheOverlap() {
        String name = register(Map.of());
        String oldKey = latest(name).string("api_key");

        Api.Response rotated = api.post("/api/v1/keys/" + name + "/rotations", Map.of("reason", "test"));

        assertThat(rotated.status()).as(rotated.body()).isEqualTo(201);
        assertThat(rotated.header("Location")).isEqualTo("/api/v1/keys/" + name + "/versions/2");
        assertThat(rotated.json())
                .containsEntry("state", "CURRENT")
                .containsEntry("trigger", "manual")
                .containsEntry("actor", "tester")
                .containsEntry("reason", "test");
        PendingVaultSync.awaitNone(jdbc);
        SecretVersion secret = latest(name);
        assertThat(secret.string("api_key")).isNotEqualTo(oldKey);
        assertThat(secret.string("previous_api_key")).isEqualTo(oldKey);
        assertThat(secret.data()).containsEntry("key_version", 2).containsKey("previous_expires_at");
        assertThat(secret.customMetadata()).containsEntry("key-version", "2").containsKey("previous-expires-at");
        Map<String, Object> view = api.get("/api/v1/keys/" + name).json();
        assertThat(view).containsEntry("currentVersion", 2).containsEntry("previousVersion", 1);
        List<?> versions =
                (List<?>) api.get("/api/v1/keys/" + name + "/versions").json().get("items");
        assertThat(versions.stream().map(v -> ((Map<?, ?>) v).get("state")).toList())
                .isEqualTo(List.of("CURRENT", "PREVIOUS"));
    }

    @Test
    void emergencyRotationInvalidatesAndDestroysTheOldKeyAtOnce() {
        String name = register(Map.of());

        Api.Response rotated = api.post("/api/v1/keys/" + name + "/rotations", Map.of("overlap", "PT0S"));

        assertThat(rotated.status()).as(rotated.body()).isEqualTo(201);
        PendingVaultSync.awaitNone(jdbc);
        SecretVersion secret = latest(name);
        assertThat(secret.data()).doesNotContainKeys("previous_api_key", "previous_expires_at");
        assertThat(store.read(path(name), 1))
                .as("the old key's KV version is destroyed")
                .isEmpty();
        assertThat(store.metadata(path(name)).orElseThrow().versions().get(1L).destroyed())
                .isTrue();
        assertThat(api.get("/api/v1/keys/" + name + "/versions/1").json()).containsEntry("state", "RETIRED");
    }

    @Test
    void overlapCloseRewritesWithoutThePreviousKeyAndDestroysOlderVersions(@Autowired RotationScheduler scheduler) {
        String name = register(Map.of("overlap", "PT1H"));
        api.post("/api/v1/keys/" + name + "/rotations", null);
        String current = latest(name).string("api_key");

        clock.advance(Duration.ofHours(1).plusSeconds(1));
        scheduler.runOnce();
        PendingVaultSync.awaitNone(jdbc);

        SecretVersion secret = latest(name);
        assertThat(secret.version()).isEqualTo(3);
        assertThat(secret.string("api_key")).isEqualTo(current);
        assertThat(secret.data()).containsEntry("key_version", 2).doesNotContainKey("previous_api_key");
        assertThat(store.read(path(name), 1)).isEmpty();
        assertThat(store.read(path(name), 2)).isEmpty();
        assertThat(secret.customMetadata()).doesNotContainKey("previous-expires-at");
        assertThat(api.get("/api/v1/keys/" + name + "/versions/1").json()).containsEntry("state", "RETIRED");
    }

    @Test
    void scheduledRotationHappensWhenTheKeyIsDue(@Autowired RotationScheduler scheduler) {
        String name = register(Map.of("rotationPeriod", "PT2M", "overlap", "PT1M"));

        clock.advance(Duration.ofMinutes(2).plusSeconds(1));
        scheduler.runOnce();

        assertThat(api.get("/api/v1/keys/" + name + "/versions/2").json())
                .containsEntry("state", "CURRENT")
                .containsEntry("trigger", "scheduled");
        assertThat(latest(name).data()).containsEntry("key_version", 2).containsKey("previous_api_key");
    }

    @Test
    void aFullBatchOfKeysWithWritesInFlightDoesNotHideTheDueKeysBehindIt(@Autowired RotationScheduler scheduler) {
        String name = register(Map.of("rotationPeriod", "PT2M", "overlap", "PT1M"));
        // a batch's worth of keys due long before it, each with a write whose owner is still working
        jdbc.sql("""
                        INSERT INTO managed_key (name, vault_mount, vault_path, vault_field, generator_bytes,
                            generator_encoding, generator_prefix, generator_checksum, rotation_period_seconds,
                            overlap_seconds, publish_ahead_seconds, labels, state, last_vault_version,
                            next_rotation_at, metadata_synced, created_at, updated_at)
                        SELECT 'stuck-' || g, vault_mount, vault_path || '-stuck-' || g, vault_field, generator_bytes,
                            generator_encoding, generator_prefix, generator_checksum, rotation_period_seconds,
                            overlap_seconds, publish_ahead_seconds, labels, state, last_vault_version,
                            timestamptz '2000-01-01', TRUE, created_at, updated_at
                        FROM managed_key, generate_series(1, 100) g WHERE name = ?""").param(name).update();
        jdbc.sql("""
                        INSERT INTO vault_write_intent (key_id, kind, state, owner, lease_until, cas, fingerprint,
                            created_at)
                        SELECT id, 'ROTATE', 'PENDING', 'alive-elsewhere', now() + interval '1 hour', 1,
                            '0123456789abcdef', now()
                        FROM managed_key WHERE name LIKE 'stuck-%'""").update();

        clock.advance(Duration.ofMinutes(2).plusSeconds(1));
        scheduler.runOnce();

        assertThat(api.get("/api/v1/keys/" + name + "/versions/2").json())
                .containsEntry("state", "CURRENT")
                .containsEntry("trigger", "scheduled");
        jdbc.sql("DELETE FROM managed_key WHERE name LIKE 'stuck-%'").update();
    }

    @Test
    void forcedRotationJustBeforeATickIsNotFollowedByASecond(@Autowired RotationScheduler scheduler) {
        String name = register(Map.of("rotationPeriod", "PT2M", "overlap", "PT1M"));
        clock.advance(Duration.ofMinutes(2).plusSeconds(1));

        api.post("/api/v1/keys/" + name + "/rotations", null);
        scheduler.runOnce();

        assertThat(api.get("/api/v1/keys/" + name).json()).containsEntry("currentVersion", 2);
    }

    @Test
    void pausedKeysAreSkippedByTheSchedulerButRotateWhenForced(@Autowired RotationScheduler scheduler) {
        String name = register(Map.of("rotationPeriod", "PT2M", "overlap", "PT1M"));
        assertThat(api.patch("/api/v1/keys/" + name, Map.of("state", "PAUSED")).json())
                .containsEntry("state", "PAUSED");

        clock.advance(Duration.ofMinutes(3));
        scheduler.runOnce();
        assertThat(api.get("/api/v1/keys/" + name).json()).containsEntry("currentVersion", 1);

        assertThat(api.post("/api/v1/keys/" + name + "/rotations", null).status())
                .isEqualTo(201);
    }

    @Test
    void fieldsATeamKeepsInTheSecretSurviveRotations() {
        String name = uniqueName();
        store.write(path(name), Map.of("api_key", "team-made-key", "endpoint", "https://pay.example", "retries", 3), 0);
        assertThat(api.post("/api/v1/keys", Map.of("name", name, "adoptExisting", true))
                        .status())
                .isEqualTo(201);

        api.post("/api/v1/keys/" + name + "/rotations", null);
        api.post("/api/v1/keys/" + name + "/rotations", Map.of("overlap", "PT0S"));

        assertThat(latest(name).data())
                .containsEntry("endpoint", "https://pay.example")
                .containsEntry("retries", 3)
                .containsEntry("key_version", 3);
    }

    @Test
    void registrationOverAnOccupiedPathIsRefusedUnlessAdopting() {
        String name = uniqueName();
        store.write(path(name), Map.of("api_key", "someone-elses"), 0);

        Api.Response refused = api.post("/api/v1/keys", Map.of("name", name));

        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.json()).containsEntry("type", "urn:keyrotator:problem:vault-path-occupied");
        assertThat(latest(name).string("api_key")).isEqualTo("someone-elses");
    }

    @Test
    void outOfBandWriteGivesConflictAndAdoptResolvesIt() {
        String name = register(Map.of());
        long current = latest(name).version();
        store.write(path(name), Map.of("api_key", "written-by-hand"), current);

        Api.Response refused = api.post("/api/v1/keys/" + name + "/rotations", null);

        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.json()).containsEntry("type", "urn:keyrotator:problem:vault-conflict");
        assertThat(latest(name).string("api_key")).isEqualTo("written-by-hand");
        assertThat(api.get("/api/v1/keys/" + name).json()).containsEntry("state", "CONFLICT");

        Api.Response adopted = api.post("/api/v1/keys/" + name + "/adopt", null);
        assertThat(adopted.json())
                .containsEntry("state", "ACTIVE")
                .containsEntry("currentFingerprint", KeyMaterial.fingerprintOf("written-by-hand"));
        assertThat(api.post("/api/v1/keys/" + name + "/rotations", null).status())
                .isEqualTo(201);
        assertThat(latest(name).string("previous_api_key")).isEqualTo("written-by-hand");
    }

    @Test
    void aSecretDeletedBehindTheServicesBackIsAConflictNotAHang() {
        String name = register(Map.of());
        store.deleteAll(path(name));

        long started = System.nanoTime();
        Api.Response refused = api.post("/api/v1/keys/" + name + "/rotations", null);

        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.json()).containsEntry("type", "urn:keyrotator:problem:vault-conflict");
        assertThat((System.nanoTime() - started) / 1_000_000).isLessThan(3000);
        assertThat(api.get("/api/v1/keys/" + name).json()).containsEntry("state", "CONFLICT");

        Api.Response rotated = api.post("/api/v1/keys/" + name + "/rotations", Map.of("overwrite", true));
        assertThat(rotated.status()).as(rotated.body()).isEqualTo(201);
        assertThat(latest(name).string("api_key")).isNotNull();
        assertThat(api.get("/api/v1/keys/" + name).json()).containsEntry("state", "ACTIVE");
    }

    @Test
    void forcedRotationWithOverwriteResolvesAConflict() {
        String name = register(Map.of());
        store.write(
                path(name), Map.of("api_key", "written-by-hand"), latest(name).version());
        api.post("/api/v1/keys/" + name + "/rotations", null);

        Api.Response rotated = api.post("/api/v1/keys/" + name + "/rotations", Map.of("overwrite", true));

        assertThat(rotated.status()).as(rotated.body()).isEqualTo(201);
        assertThat(latest(name).string("api_key")).isNotEqualTo("written-by-hand");
        assertThat(api.get("/api/v1/keys/" + name).json()).containsEntry("state", "ACTIVE");
    }

    @Test
    void aKeyWhoseVaultSyncKeepsFailingBacksOffAndTheOthersAreSynced() {
        String poison = register(Map.of());
        String healthy = register(Map.of());
        PendingVaultSync.awaitNone(jdbc);
        vault.admin().call("DELETE", vault.mount() + "/metadata/api-keys/" + poison, null);
        jdbc.sql("UPDATE managed_key SET metadata_synced = FALSE").update();
        api.post("/api/v1/keys/" + healthy + "/rotations", Map.of("overlap", "PT0S"));

        // the healthy key's rotation hands its work over; the poison key, made pending behind the
        // service's back, waits for the next claim (at most a poll interval, 10 s)
        org.awaitility.Awaitility.await("the healthy key synced past the poison one")
                .atMost(Duration.ofSeconds(25))
                .until(() -> jdbc.sql("SELECT count(*) FROM managed_key WHERE name = ? AND metadata_synced"
                                                + " AND destroy_below = destroyed_below")
                                        .param(healthy)
                                        .query(Long.class)
                                        .single()
                                == 1
                        && jdbc.sql("SELECT sync_failures FROM managed_key WHERE name = ?")
                                        .param(poison)
                                        .query(Integer.class)
                                        .single()
                                > 0);

        Map<String, Object> backoff = jdbc.sql(
                        "SELECT sync_failures, sync_after > now() + interval '2 seconds' AS later"
                                + " FROM managed_key WHERE name = ?")
                .param(poison)
                .query()
                .singleRow();
        assertThat(backoff).containsEntry("sync_failures", 1).containsEntry("later", true);
        assertThat(latest(healthy).customMetadata()).containsEntry("key-version", "2");
        assertThat(store.read(path(healthy), 1)).as("destroyed").isEmpty();
        assertThat(store.metadata(path(poison))).as("nothing brought back").isEmpty();
        assertThat(api.delete("/api/v1/keys/" + poison).status()).isEqualTo(204);
    }

    @Test
    void finishedIntentsPastTheirRetentionArePurgedInBatchesAndOpenOrRecentOnesStay(
            @Autowired IntentRetention retention) {
        String name = register(Map.of());
        long keyId = jdbc.sql("SELECT id FROM managed_key WHERE name = ?")
                .param(name)
                .query(Long.class)
                .single();
        jdbc.sql("""
                        INSERT INTO vault_write_intent (key_id, kind, state, owner, lease_until, cas, fingerprint,
                            created_at, finished_at, outcome)
                        SELECT ?, 'ROTATE', 'DONE', 'old', now() - interval '40 days', g, '0123456789abcdef',
                            now() - interval '40 days', now() - interval '40 days', 'written'
                        FROM generate_series(1, 100000) g""").param(keyId).update();
        long recentBefore = jdbc.sql("SELECT count(*) FROM vault_write_intent WHERE owner <> 'old'")
                .query(Long.class)
                .single();

        long purged = retention.purgeOnce();

        assertThat(purged).isEqualTo(100_000);
        assertThat(jdbc.sql("SELECT count(*) FROM vault_write_intent")
                        .query(Long.class)
                        .single())
                .as("the registration's own intent, finished just now")
                .isEqualTo(recentBefore)
                .isPositive();
        assertThat(retention.purgeOnce()).isZero();
    }

    private String register(Map<String, Object> settings) {
        String name = uniqueName();
        var body = new java.util.HashMap<String, Object>(settings);
        body.put("name", name);
        Api.Response created = api.post("/api/v1/keys", body);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        // the sync worker's claim locks the new key's row for a moment, and a scheduler pass skips
        // locked rows (the next tick takes them): tests that run one pass wait it out first
        PendingVaultSync.awaitNone(jdbc);
        return name;
    }

    private SecretVersion latest(String name) {
        return store.read(path(name), SecretStore.LATEST).orElseThrow();
    }

    private KvPath path(String name) {
        return KvPath.of(vault.mount(), "api-keys/" + name);
    }

    private static String uniqueName() {
        return "key-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
