package io.keyrotator.vault;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Concurrent rotations must not queue for a connection to Vault. Spring Vault picks its HTTP client
 * from the class path; with Apache HttpClient 5 it used a pool of 5 connections, so 16 rotations
 * waiting on a slow Vault took three times as long as they should (the benchmark's slowed-Vault
 * scenario). 16 reads of a secret Vault answers after 300 ms must take about 300 ms, not 1 s.
 */
class VaultClientConcurrencyTests {

    private static final int CONCURRENT = 16;

    private final WireMockServer vault = new WireMockServer(
            wireMockConfig().dynamicPort().bindAddress("127.0.0.1").containerThreads(64));

    @AfterEach
    void stop() {
        vault.stop();
    }

    @Test
    void sixteenConcurrentCallsDoNotQueueForAConnection() throws Exception {
        vault.start();
        vault.stubFor(get(urlPathMatching("/v1/secret/data/.*"))
                .willReturn(aResponse()
                        .withFixedDelay(300)
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"data\":{\"data\":{\"api_key\":\"x\"},"
                                + "\"metadata\":{\"version\":1,\"created_time\":\"2026-11-23T06:00:00Z\"}}}")));
        SecretStore store = SpringVaultSecretStoreIntegrationTests.storeFor(
                URI.create("http://127.0.0.1:" + vault.port()), "token");
        store.read(KvPath.of("secret", "warm-up"), SecretStore.LATEST);

        long started = System.nanoTime();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> reads = IntStream.range(0, CONCURRENT)
                    .<Future<?>>mapToObj(i ->
                            threads.submit(() -> store.read(KvPath.of("secret", "key-" + i), SecretStore.LATEST)))
                    .toList();
            for (Future<?> read : reads) {
                read.get();
            }
        }
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        // a pool of 5 needs four rounds (1.2 s); unqueued calls take one round plus overhead
        assertThat(took).isLessThan(Duration.ofMillis(900));
    }
}
