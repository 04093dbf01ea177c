package io.keyrotator.rotation;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyrotator.rotation.protocol.Begin;
import io.keyrotator.rotation.protocol.KeyGenerator;
import io.keyrotator.rotation.protocol.KeyMaterial;
import io.keyrotator.rotation.protocol.Observed;
import io.keyrotator.rotation.protocol.RotationCommand;
import io.keyrotator.rotation.protocol.RotationSteps;
import io.keyrotator.rotation.protocol.VaultPayloads;
import io.keyrotator.rotation.schedule.RecoveryJob;
import io.keyrotator.rotation.schedule.RotationScheduler;
import io.keyrotator.rotation.store.KeyRecords;
import io.keyrotator.rotation.store.SyncRecords;
import io.keyrotator.rotation.store.VersionRecords;
import io.keyrotator.rotation.store.WriteIntent;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** Publish-ahead, idempotency, concurrency and crash recovery, against real OpenBao and PostgreSQL. */
@KeyrotatorIntegrationTest
class RotationProtocolIntegrationTests {

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

    @Autowired
    RotationScheduler scheduler;

    @Autowired
    RecoveryJob recovery;

    @Autowired
    RotationSteps steps;

    @Autowired
    KeyRecords keys;

    @Autowired
    KeyGenerator generator;

    @Autowired
    RotationProperties properties;

    @Autowired
    org.springframework.transaction.support.TransactionOperations transactions;

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
    void publishAheadShowsVerifiersTheNextKeyBeforeClientsGetIt() {
        String name = register(Map.of("rotationPeriod", "PT10M", "overlap", "PT2M", "publishAhead", "PT1M"));
        String first = latest(name).string("api_key");

        clock.advance(Duration.ofMinutes(9).plusSeconds(1));
        scheduler.runOnce();

        SecretVersion published = latest(name);
        assertThat(published.string("api_key"))
                .as("clients still get the old key")
                .isEqualTo(first);
        String next = published.string("next_api_key");
        assertThat(next).isNotNull().isNotEqualTo(first);
        assertThat(published.data()).containsKey("next_active_at").containsEntry("key_version", 1);
        assertThat(api.get("/api/v1/keys/" + name).json())
                .containsEntry("nextVersion", 2)
                .containsEntry("currentVersion", 1);

        clock.advance(Duration.ofSeconds(30));
        scheduler.runOnce();
        assertThat(latest(name).string("api_key"))
                .as("not before next_active_at")
                .isEqualTo(first);

        clock.advance(Duration.ofSeconds(31));
        scheduler.runOnce();

        SecretVersion promoted = latest(name);
        assertThat(promoted.string("api_key")).isEqualTo(next);
        assertThat(promoted.string("previous_api_key")).isEqualTo(first);
        assertThat(promoted.data())
                .doesNotContainKeys("next_api_key", "next_active_at")
                .containsEntry("key_version", 2);
        assertThat(api.get("/api/v1/keys/" + name).json())
                .containsEntry("currentVersion", 2)
                .containsEntry("previousVersion", 1)
                .containsEntry("nextVersion", null);
    }

    @Test
    void emergencyRotationSkipsPublishAhead() {
        String name = register(Map.of("rotationPeriod", "PT10M", "overlap", "PT2M", "publishAhead", "PT1M"));

        api.post("/api/v1/keys/" + name + "/rotations", Map.of("overlap", "PT0S"));

        assertThat(latest(name).data())
                .containsEntry("key_version", 2)
                .doesNotContainKeys("next_api_key", "previous_api_key");
    }

    @Test
    void aForcedRotationWithItsOwnOverlapSkipsPublishAhead() {
        String name = register(Map.of("rotationPeriod", "PT10M", "overlap", "PT2M", "publishAhead", "PT1M"));
        String first = latest(name).string("api_key");

        api.post("/api/v1/keys/" + name + "/rotations", Map.of("overlap", "PT30S", "reason", "suspected leak"));

        SecretVersion secret = latest(name);
        assertThat(secret.string("api_key")).isNotEqualTo(first);
        assertThat(secret.string("previous_api_key")).isEqualTo(first);
        assertThat(secret.data()).doesNotContainKey("next_api_key");
    }

    @Test
    void idempotentRepeatReplaysTheFirstResponseAndRotatesNothing() {
        String name = register(Map.of());

        Api.Response first = rotate(name, Map.of("reason", "drill"), "drill-1");
        Api.Response repeat = rotate(name, Map.of("reason", "drill"), "drill-1");

        assertThat(first.status()).isEqualTo(201);
        assertThat(repeat.status()).isEqualTo(201);
        assertThat(repeat.header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(repeat.header("Location")).isEqualTo(first.header("Location"));
        assertThat(repeat.json()).isEqualTo(first.json());
        assertThat(api.get("/api/v1/keys/" + name).json()).containsEntry("currentVersion", 2);
    }

    @Test
    void idempotentRepeatsInFlightTogetherRotateOnce() throws Exception {
        String name = register(Map.of());
        List<Future<Api.Response>> calls;
        try (ExecutorService pool = Executors.newFixedThreadPool(6)) {
            calls = IntStream.range(0, 6)
                    .mapToObj(i -> pool.submit(() -> rotate(name, Map.of("reason", "race"), "race-1")))
                    .toList();
        }

        List<Api.Response> responses = new java.util.ArrayList<>();
        for (Future<Api.Response> call : calls) {
            responses.add(call.get());
        }
        assertThat(responses)
                .allSatisfy(r -> assertThat(r.status()).as(r.body()).isEqualTo(201));
        assertThat(responses.stream().map(Api.Response::json).distinct()).hasSize(1);
        assertThat(responses.stream().filter(r -> "true".equals(r.header("Idempotent-Replayed"))))
                .hasSize(5);
        assertThat(api.get("/api/v1/keys/" + name).json()).containsEntry("currentVersion", 2);
    }

    @Test
    void idempotencyKeyWithAnotherBodyIsRefused() {
        String name = register(Map.of());
        rotate(name, Map.of("reason", "drill"), "drill-2");

        Api.Response other = rotate(name, Map.of("reason", "something else"), "drill-2");

        assertThat(other.status()).isEqualTo(422);
        assertThat(other.json()).containsEntry("type", "urn:keyrotator:problem:idempotency-mismatch");
    }

    @Test
    void aRepeatOfARequestThatRotatedNothingIsDecidedAgain() {
        String name = register(Map.of());
        store.write(path(name), Map.of("api_key", "by-hand"), latest(name).version());

        Api.Response first = rotate(name, Map.of(), "after-conflict");
        Api.Response repeat = rotate(name, Map.of(), "after-conflict");
        api.post("/api/v1/keys/" + name + "/adopt", null);
        Api.Response afterAdoption = rotate(name, Map.of(), "after-conflict");

        assertThat(first.status()).isEqualTo(409);
        assertThat(repeat.status()).isEqualTo(409);
        assertThat(repeat.header("Idempotent-Replayed")).isNull();
        assertThat(repeat.json()).containsEntry("type", "urn:keyrotator:problem:vault-conflict");
        assertThat(afterAdoption.status()).as(afterAdoption.body()).isEqualTo(201);
        assertThat(afterAdoption.header("Idempotent-Replayed")).isNull();
        assertThat(rotate(name, Map.of(), "after-conflict").header("Idempotent-Replayed"))
                .isEqualTo("true");
    }

    @Test
    void sixteenConcurrentRotationsOfOneKeyAllSucceedInOrder() throws Exception {
        String name = register(Map.of());
        List<Future<Api.Response>> calls;
        try (ExecutorService pool = Executors.newFixedThreadPool(16)) {
            calls = IntStream.range(0, 16)
                    .mapToObj(i -> pool.submit(() -> api.post("/api/v1/keys/" + name + "/rotations", null)))
                    .toList();
        }

        for (Future<Api.Response> call : calls) {
            assertThat(call.get().status()).as(call.get().body()).isEqualTo(201);
        }
        List<?> versions =
                (List<?>) api.get("/api/v1/keys/" + name + "/versions").json().get("items");
        assertThat(versions).hasSize(17);
        assertThat(versions.stream().map(v -> ((Map<?, ?>) v).get("version")).toList())
                .isEqualTo(IntStream.iterate(17, v -> v - 1).limit(17).boxed().toList());
        assertThat(versions.stream()
                        .filter(v -> "CURRENT".equals(((Map<?, ?>) v).get("state")))
                        .count())
                .isEqualTo(1);
        Map<String, Object> view = api.get("/api/v1/keys/" + name).json();
        assertThat(KeyMaterial.fingerprintOf(latest(name).string("api_key"))).isEqualTo(view.get("currentFingerprint"));
        assertThat(latest(name).data()).containsEntry("key_version", 17);
    }

    @Test
    void aKeysHistoryIsNotReadToRotateIt() {
        String name = register(Map.of());
        long id = keys.findByName(name).orElseThrow().id();
        jdbc.sql("""
                        INSERT INTO key_version (key_id, version, state, fingerprint, trigger, actor, created_at, retired_at)
                        SELECT ?, 1000 + g, 'RETIRED', 'retired', CASE WHEN g % 2 = 0 THEN 'MANUAL' ELSE 'SCHEDULED' END,
                            'history', now(), now()
                        FROM generate_series(1, 20000) g""").param(id).update();
        jdbc.sql("ANALYZE key_version").update();

        assertThat(plan(KeyRecords.ROTATION_CHECKS, id, id, id)).doesNotContain("Seq Scan");
        assertThat(plan(
                        VersionRecords.retireStatement(2),
                        java.sql.Timestamp.from(clock.instant()),
                        id,
                        "PREVIOUS",
                        "NEXT"))
                .doesNotContain("Seq Scan");
        assertThat(api.post("/api/v1/keys/" + name + "/rotations", null).status())
                .isEqualTo(201);
    }

    private String plan(String statement, Object... params) {
        return String.join(
                "\n",
                jdbc.sql("EXPLAIN " + statement)
                        .params(params)
                        .query(String.class)
                        .list());
    }

    @Test
    void settlingTheVaultSyncNeverWaitsForARotationWhileHoldingOtherKeys(
            @Autowired SyncRecords sync, @Autowired javax.sql.DataSource dataSource) throws Exception {
        ManagedKey held = keys.findByName(register(Map.of())).orElseThrow();
        ManagedKey free = keys.findByName(register(Map.of())).orElseThrow();
        PendingVaultSync.awaitNone(jdbc);
        List<SyncRecords.Work> batch = List.of(work(held), work(free));
        ExecutorService settler = Executors.newSingleThreadExecutor();
        try (java.sql.Connection rotation = dataSource.getConnection()) {
            rotation.setAutoCommit(false);
            // a rotation of one key of the batch holds its row, as beginRotation and confirm do
            rotation.createStatement().execute("SELECT id FROM managed_key WHERE id = " + held.id() + " FOR UPDATE");

            SyncRecords.Settled skipping = settler.submit(() -> transactions.execute(s -> sync.done(batch, true)))
                    .get(5, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(skipping.keyIds()).containsExactly(free.id());

            Future<SyncRecords.Settled> waiting =
                    settler.submit(() -> transactions.execute(s -> sync.done(List.of(work(held)), false)));
            Thread.sleep(200);
            assertThat(waiting).isNotDone();
            rotation.commit();
            assertThat(waiting.get(5, java.util.concurrent.TimeUnit.SECONDS).keyIds())
                    .containsExactly(held.id());
        } finally {
            settler.shutdownNow();
        }
    }

    private static SyncRecords.Work work(ManagedKey key) {
        return new SyncRecords.Work(
                key.id(),
                "secret",
                key.vaultPath().path(),
                0,
                0,
                key.lastVaultVersion(),
                true,
                null,
                null,
                null,
                null,
                null);
    }

    @Test
    void crashBetweenVaultWriteAndConfirmationIsFinishedByRecovery() {
        String name = register(Map.of());
        ManagedKey key = keys.findByName(name).orElseThrow();
        SecretVersion before = latest(name);
        KeyMaterial fresh = generator.generate(key.generator());
        Begin.Started started = (Begin.Started) steps.beginRotation(
                key.id(),
                Observed.of(java.util.Optional.of(before), key),
                fresh.fingerprint(),
                key.generator(),
                new RotationCommand(KeyVersion.Trigger.MANUAL, "crash-test", null, null, false));
        store.write(
                key.vaultPath(),
                VaultPayloads.rotation(
                        before,
                        key,
                        fresh,
                        started.version().version(),
                        started.intent().previousValidUntil(),
                        clock.instant()),
                started.intent().cas());
        // the process dies here: no confirmation, no custom metadata

        clock.advance(properties.limits().intentLease().plusSeconds(1));
        Leases.runOut(jdbc);
        recovery.runOnce();
        PendingVaultSync.awaitNone(jdbc);

        Map<String, Object> view = api.get("/api/v1/keys/" + name).json();
        assertThat(view).containsEntry("currentVersion", 2).containsEntry("currentFingerprint", fresh.fingerprint());
        assertThat(latest(name).customMetadata())
                .containsEntry("key-version", "2")
                .containsEntry("fingerprint", fresh.fingerprint());
        assertThat(api.post("/api/v1/keys/" + name + "/rotations", null).status())
                .isEqualTo(201);
    }

    @Test
    void crashBeforeTheVaultWriteIsRolledBackByRecovery() {
        String name = register(Map.of());
        ManagedKey key = keys.findByName(name).orElseThrow();
        steps.beginRotation(
                key.id(),
                Observed.of(java.util.Optional.of(latest(name)), key),
                "0123456789abcdef",
                key.generator(),
                new RotationCommand(KeyVersion.Trigger.MANUAL, "crash-test", null, null, false));

        clock.advance(properties.limits().intentLease().plusSeconds(1));
        Leases.runOut(jdbc);
        recovery.runOnce();

        assertThat(api.get("/api/v1/keys/" + name + "/versions/2").json())
                .containsEntry("state", "FAILED")
                .containsEntry("failure", "interrupted");
        assertThat(api.get("/api/v1/keys/" + name).json()).containsEntry("currentVersion", 1);
        assertThat(api.post("/api/v1/keys/" + name + "/rotations", null).status())
                .isEqualTo(201);
    }

    /**
     * A hundred open intents recovery cannot resolve, at the front of the queue: their keys' rows
     * hold a path today's validation refuses (as an older release's might). Each fails, backs off
     * and is counted, and the next pass reaches the interrupted rotation behind them; the Vault sync
     * of those rows fails per key too, not for the batch.
     */
    @Test
    void aHundredIntentsThatCannotBeResolvedBackOffAndRecoveryReachesTheOneBehindThem(
            @Autowired io.micrometer.core.instrument.MeterRegistry registry) {
        String name = register(Map.of());
        ManagedKey key = keys.findByName(name).orElseThrow();
        steps.beginRotation(
                key.id(),
                Observed.of(java.util.Optional.of(latest(name)), key),
                "0123456789abcdef",
                key.generator(),
                new RotationCommand(KeyVersion.Trigger.MANUAL, "crash-test", null, null, false));
        jdbc.sql("""
                        INSERT INTO managed_key (name, vault_mount, vault_path, vault_field, generator_bytes,
                            generator_encoding, generator_prefix, generator_checksum, rotation_period_seconds,
                            overlap_seconds, publish_ahead_seconds, state, created_at, updated_at)
                        SELECT 'poison-' || g, ?, 'poison/../' || g, 'api_key', 32, 'base62', '', false, 86400,
                            0, 0, 'ACTIVE', now(), now()
                        FROM generate_series(1, 100) g""").param(vault.mount()).update();
        jdbc.sql("""
                        INSERT INTO vault_write_intent (key_id, kind, state, owner, lease_until, cas, fingerprint,
                            created_at)
                        SELECT id, 'ROTATE', 'PENDING', 'gone', now() - interval '1 hour', 1, '0123456789abcdef',
                            now()
                        FROM managed_key WHERE name LIKE 'poison-%'""").update();
        jdbc.sql("UPDATE vault_write_intent SET lease_until = now() - interval '1 second' WHERE key_id = ?")
                .param(key.id())
                .update();
        double failedBefore = registry.counter("keyrotator.recovery.failures").count();

        recovery.runOnce();
        recovery.runOnce();

        assertThat(api.get("/api/v1/keys/" + name + "/versions/2").json())
                .containsEntry("state", "FAILED")
                .containsEntry("failure", "interrupted");
        assertThat(registry.counter("keyrotator.recovery.failures").count() - failedBefore)
                .isEqualTo(100);
        assertThat(jdbc.sql("SELECT count(*) FROM vault_write_intent WHERE state = 'PENDING'"
                                + " AND recovery_failures = 1 AND recover_after > now() + interval '3 seconds'")
                        .query(Long.class)
                        .single())
                .isEqualTo(100);
        assertThat(jdbc.sql("SELECT count(*) FROM managed_key WHERE name LIKE 'poison-%' AND sync_failures = 1")
                        .query(Long.class)
                        .single())
                .as("their Vault sync failed one key at a time")
                .isEqualTo(100);
        assertThat(api.post("/api/v1/keys/" + name + "/rotations", null).status())
                .isEqualTo(201);
        jdbc.sql("DELETE FROM managed_key WHERE name LIKE 'poison-%'").update();
    }

    @Test
    void crashDuringAnOverlapCloseIsFinishedByRecovery() {
        String name = register(Map.of("overlap", "PT1H"));
        api.post("/api/v1/keys/" + name + "/rotations", null);
        clock.advance(Duration.ofHours(1).plusSeconds(1));
        ManagedKey key = keys.findByName(name).orElseThrow();
        SecretVersion before = latest(name);
        Begin.Started started = (Begin.Started)
                steps.beginFollowUp(key.id(), WriteIntent.Kind.CLOSE, Observed.of(java.util.Optional.of(before), key));
        store.write(
                key.vaultPath(),
                VaultPayloads.withoutPrevious(before, key),
                started.intent().cas());
        // the process dies here: the old versions still hold the previous key

        clock.advance(properties.limits().intentLease().plusSeconds(1));
        Leases.runOut(jdbc);
        recovery.runOnce();
        PendingVaultSync.awaitNone(jdbc);

        assertThat(api.get("/api/v1/keys/" + name).json()).containsEntry("previousVersion", null);
        assertThat(store.read(path(name), before.version()))
                .as("destroyed by recovery")
                .isEmpty();
        assertThat(latest(name).customMetadata()).doesNotContainKey("previous-expires-at");
    }

    @Test
    void overdueKeysAllRotateWhenTheServiceComesBack() {
        List<String> names = IntStream.range(0, 5)
                .mapToObj(i -> register(Map.of("rotationPeriod", "P1D", "overlap", "PT1H")))
                .toList();

        clock.advance(Duration.ofDays(7));
        scheduler.runOnce();

        for (String name : names) {
            assertThat(api.get("/api/v1/keys/" + name).json()).as(name).containsEntry("currentVersion", 2);
        }
    }

    private Api.Response rotate(String name, Map<String, Object> body, String idempotencyKey) {
        return api.post("/api/v1/keys/" + name + "/rotations", body, "Idempotency-Key", idempotencyKey);
    }

    private String register(Map<String, Object> settings) {
        String name = "key-" + UUID.randomUUID().toString().substring(0, 8);
        Map<String, Object> body = new HashMap<>(settings);
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
}
