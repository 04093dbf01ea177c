package io.keyrotator.bench;

import io.keyrotator.support.OpenBaoServer;
import io.keyrotator.support.ServiceProcess;
import io.keyrotator.support.TestDatabase;
import io.keyrotator.support.TestServices;
import java.net.URI;
import java.net.http.HttpClient;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What every scenario runs against: a real OpenBao dev server (its own process), a database of its
 * own on the shared PostgreSQL, and the packaged service as a process of its own, on the JVM's
 * default ergonomics (no test-only flags), as a user would run it.
 */
final class BenchStack implements AutoCloseable {

    final OpenBaoServer vault = OpenBaoServer.startDev();
    final TestDatabase database = TestDatabase.isolated("bench");
    final HttpClient http =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    final ServiceProcess service;
    private final boolean smoke;

    /**
     * @param smoke the suite's smoke run, which times nothing: its services start as the other
     *     tests' do (extracted, with the AOT cache), twice as fast as {@code java -jar}
     */
    BenchStack(boolean smoke) {
        this.smoke = smoke;
        service = start("keyrotator-bench", vault.address());
    }

    /** A service (another one for the slowed-Vault scenario) against this stack's database. */
    ServiceProcess start(String name, URI vaultAddress) {
        ServiceProcess process = new ServiceProcess(name, properties(vaultAddress));
        return (smoke
                        ? process
                        : process.jvmOptions(jvmOptions().toArray(String[]::new))
                                .asPackaged())
                .start();
    }

    /**
     * Default ergonomics, as a user runs the jar; {@code -Dkeyrotator.bench.jvm-options} adds e.g.
     * a JFR recording. The empty app of the memory scenario gets the same.
     */
    static List<String> jvmOptions() {
        String options = System.getProperty("keyrotator.bench.jvm-options", "").trim();
        return options.isEmpty() ? List.of() : List.of(options.split(" "));
    }

    Map<String, String> properties(URI vaultAddress) {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("spring.datasource.url", database.jdbcUrl());
        properties.put("spring.datasource.username", database.username());
        properties.put("spring.datasource.password", database.password());
        properties.put("spring.cloud.vault.uri", vaultAddress.toString());
        properties.put("spring.cloud.vault.token", vault.rootToken());
        properties.put("keyrotator.security.api-tokens[0].name", "bench");
        properties.put("keyrotator.security.api-tokens[0].sha256", TestServices.TOKEN_SHA256);
        properties.put(
                "keyrotator.security.api-tokens[0].scopes",
                "keys:read,keys:write,keys:rotate,webhooks:manage,leaks:report");
        properties.put("keyrotator.limits.min-manual-interval", "PT0S");
        // 200 leak reports in a minute from one caller: the benchmark measures the path, not the limit
        properties.put("keyrotator.limits.callers.leaks", "100000");
        properties.put("keyrotator.webhooks.allowed-hosts", "127.0.0.1/32");
        // ticks often enough to time them and to start the sweep soon after the keys fall due
        properties.put("keyrotator.scheduler.poll-interval", "PT2S");
        properties.put("keyrotator.scheduler.initial-delay", "PT2S");
        return properties;
    }

    Connection connect() throws SQLException {
        return database.connect();
    }

    @Override
    public void close() {
        service.stop();
        vault.close();
    }
}
