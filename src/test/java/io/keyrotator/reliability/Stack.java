package io.keyrotator.reliability;

import com.zaxxer.hikari.HikariDataSource;
import io.keyrotator.support.Api;
import io.keyrotator.support.FaultProxy;
import io.keyrotator.support.OpenBaoServer;
import io.keyrotator.support.ServiceProcess;
import io.keyrotator.support.TestDatabase;
import io.keyrotator.support.TestServices;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * What one reliability scenario runs on: a database of its own, an OpenBao of its own (in memory,
 * or on disk when the scenario restarts it), optionally a {@link FaultProxy} in front of it, a
 * webhook {@link Receiver}, and as many keyrotator processes as the scenario starts.
 */
final class Stack implements AutoCloseable {

    static final Duration POLL = Duration.ofSeconds(1);

    final TestDatabase database;
    final OpenBaoServer bao;
    final @Nullable FaultProxy proxy;
    final Receiver receiver = new Receiver();
    final JdbcClient db;
    final OverlapSampler overlaps;
    /** When a service of this stack was SIGKILLed ({@link System#nanoTime()}). */
    final List<Long> kills = new java.util.concurrent.CopyOnWriteArrayList<>();

    private final List<ServiceProcess> services = new ArrayList<>();
    private int subscriptions;
    private final HikariDataSource dataSource = new HikariDataSource();

    private Stack(String purpose, OpenBaoServer bao, boolean proxied) {
        this.database = TestDatabase.isolated(purpose);
        this.bao = bao;
        this.proxy = proxied ? FaultProxy.start(bao.address()) : null;
        dataSource.setJdbcUrl(database.jdbcUrl());
        dataSource.setUsername(database.username());
        dataSource.setPassword(database.password());
        dataSource.setMaximumPoolSize(2);
        this.db = JdbcClient.create(dataSource);
        this.overlaps = new OverlapSampler(db, bao.admin(), POLL.plus(OVERLAP_MARGIN));
    }

    /**
     * How much later than a poll interval past its validUntil an overlap may still be closed: the
     * batch of rotations in flight when it expired (up to 100 at concurrency 8, a second or two on
     * a loaded 2-core machine), the sampler's own second between reads, and a margin. Three
     * replicas beside the main lane's in-JVM tests closed overlaps up to 9.7 s late in CI
     * (2026-12-03), so 12 s.
     */
    static final Duration OVERLAP_MARGIN = Duration.ofSeconds(12);

    /**
     * {@code keyrotator.webhooks.timeout} of every service, unless a scenario sets its own. It also
     * sets the dispatcher's claim lease (about 13 timeouts plus 30 s), which the crash scenario
     * waits out after each SIGKILL within its settle time.
     */
    static final Duration WEBHOOK_TIMEOUT = Duration.ofSeconds(2);

    /** {@code keyrotator.scheduler.retry-backoff-max} of every service of a stack. */
    static final Duration BACKOFF_MAX = Duration.ofSeconds(10);

    static Stack inMemory(String purpose) {
        return new Stack(purpose, OpenBaoServer.startDev(), false);
    }

    /** OpenBao on disk (it survives a restart) behind a fault-injecting proxy. */
    static Stack persistentBehindProxy(String purpose) throws Exception {
        Path dir = Files.createTempDirectory("openbao-" + purpose + "-");
        return new Stack(purpose, OpenBaoServer.startPersistent(dir), true);
    }

    /** A keyrotator process configured for this stack; {@code overrides} win over the defaults. */
    ServiceProcess service(String name, Map<String, String> overrides) {
        URI vault = proxy != null ? proxy.address() : bao.address();
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("spring.datasource.url", database.jdbcUrl());
        properties.put("spring.datasource.username", database.username());
        properties.put("spring.datasource.password", database.password());
        properties.put("spring.datasource.hikari.maximum-pool-size", "8");
        properties.put("spring.cloud.vault.uri", vault.toString());
        properties.put("spring.cloud.vault.token", bao.rootToken());
        properties.put("spring.cloud.vault.connection-timeout", "1000");
        properties.put("spring.cloud.vault.read-timeout", "2000");
        properties.put("keyrotator.vault.mount", "secret");
        properties.put("keyrotator.scheduler.poll-interval", POLL.toString());
        properties.put("keyrotator.scheduler.initial-delay", "PT0S");
        properties.put("keyrotator.scheduler.retry-backoff-initial", "PT2S");
        properties.put("keyrotator.scheduler.retry-backoff-max", BACKOFF_MAX.toString());
        properties.put("keyrotator.limits.min-rotation-period", "PT1S");
        properties.put("keyrotator.limits.min-manual-interval", "PT0S");
        properties.put("keyrotator.limits.intent-lease", "PT6S");
        properties.put("keyrotator.webhooks.allowed-hosts", "127.0.0.1/32");
        properties.put("keyrotator.webhooks.poll-interval", "PT1S");
        properties.put("keyrotator.webhooks.timeout", WEBHOOK_TIMEOUT.toString());
        properties.put("keyrotator.webhooks.retry-delays", "PT1S,PT2S,PT4S,PT8S,PT15S,PT30S,PT60S");
        properties.put("keyrotator.metrics.refresh-interval", "PT1S");
        properties.put("keyrotator.security.api-tokens[0].name", "reliability");
        properties.put("keyrotator.security.api-tokens[0].sha256", TestServices.TOKEN_SHA256);
        properties.put("keyrotator.security.api-tokens[0].scopes", "keys:read,keys:write,keys:rotate,webhooks:manage");
        properties.putAll(overrides);
        ServiceProcess service = new ServiceProcess(name, properties);
        services.add(service);
        return service;
    }

    /** Registers {@code count} keys named {@code prefix-0…} through the API, 8 at a time. */
    List<String> registerKeys(Api api, String prefix, int count, Map<String, Object> settings) throws Exception {
        List<String> names =
                IntStream.range(0, count).mapToObj(i -> prefix + "-" + i).toList();
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            List<Future<Api.Response>> responses = new ArrayList<>();
            for (String name : names) {
                Map<String, Object> body = new LinkedHashMap<>(settings);
                body.put("name", name);
                responses.add(pool.submit(() -> api.post("/api/v1/keys", body)));
            }
            for (Future<Api.Response> response : responses) {
                Api.Response answer = response.get();
                if (answer.status() != 201) {
                    throw new IllegalStateException("registration failed: " + answer);
                }
            }
        }
        return names;
    }

    /** Subscribes the receiver, at a path of the subscription's own, to every event; returns its id. */
    String subscribe(Api api, String format) {
        String url = receiver.url() + "/subscription-" + ++subscriptions;
        Api.Response created = api.post("/api/v1/webhooks", Map.of("url", url, "format", format));
        if (created.status() != 201) {
            throw new IllegalStateException("subscription failed: " + created);
        }
        return (String) created.json().get("id");
    }

    /** Makes every active key due now, as if the service had been off past their schedule. */
    int makeAllDue() {
        return db.sql("UPDATE managed_key SET next_rotation_at = now() - interval '1 second'"
                        + " WHERE state = 'ACTIVE'")
                .update();
    }

    /** Spreads the next rotations over one period, so rotations are due all the time, not in waves. */
    void staggerSchedules(Duration period) {
        db.sql("UPDATE managed_key SET next_rotation_at = now() + random() * make_interval(secs => ?)"
                        + " WHERE state = 'ACTIVE'")
                .param(period.toSeconds())
                .update();
    }

    /** SIGKILL, remembered: a delivery may be sent again after a kill, never without one. */
    void kill(ServiceProcess service) {
        kills.add(System.nanoTime());
        service.kill();
    }

    /** Ends every ShedLock lock now: only for a stack whose every service is dead. */
    void releaseLocksOfTheDead() {
        db.sql("UPDATE shedlock SET lock_until = now() WHERE lock_until > now()")
                .update();
    }

    Invariants invariants() {
        return new Invariants(db, bao.admin(), receiver, kills).overlapsWhileRunning(overlaps);
    }

    @Override
    public void close() {
        overlaps.close();
        services.forEach(ServiceProcess::kill);
        // the database is dropped when the JVM exits: keep what it held for the run's leak check
        io.keyrotator.support.TestIsolation.dump(
                database, Path.of("target", "test-logs", "db-dumps", "stack-" + database.name() + ".sql"));
        receiver.close();
        if (proxy != null) {
            proxy.close();
        }
        bao.close();
        dataSource.close();
    }
}
