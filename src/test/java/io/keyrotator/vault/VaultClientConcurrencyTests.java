package io.keyrotator.vault;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import java.net.URI;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Concurrent rotations must not queue for a connection to Vault. Spring Vault builds Apache
 * HttpClient 5 with a pool of 5 connections, on which 16 rotations waiting on a slow Vault took three
 * times as long as they should (the benchmark's slowed-Vault scenario); {@link VaultHttpClient}
 * builds its own pool. 16 reads of a secret Vault answers after a second must all be at Vault at once: the
 * fake Vault counts how many requests it holds at the same moment (a count, not a stopwatch, so a
 * loaded machine cannot fail it).
 */
class VaultClientConcurrencyTests {

    private static final int CONCURRENT = 16;

    private final InFlight inFlight = new InFlight();
    private final WireMockServer vault = new WireMockServer(wireMockConfig()
            .dynamicPort()
            .bindAddress("127.0.0.1")
            .containerThreads(64)
            .extensions(inFlight));

    /** Holds every request a second before it is answered, and counts the most it held at once. */
    private static final class InFlight implements ResponseDefinitionTransformerV2 {
        private final AtomicInteger now = new AtomicInteger();
        private final AtomicInteger most = new AtomicInteger();

        @Override
        public ResponseDefinition transform(ServeEvent event) {
            most.accumulateAndGet(now.incrementAndGet(), Math::max);
            try {
                Thread.sleep(1_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                now.decrementAndGet();
            }
            return event.getResponseDefinition();
        }

        @Override
        public String getName() {
            return "in-flight";
        }
    }

    @AfterEach
    void stop() {
        vault.stop();
    }

    @Test
    void sixteenConcurrentCallsDoNotQueueForAConnection() throws Exception {
        vault.start();
        vault.stubFor(get(urlPathMatching("/v1/secret/data/.*"))
                .willReturn(aResponse()
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"data\":{\"data\":{\"api_key\":\"x\"},"
                                + "\"metadata\":{\"version\":1,\"created_time\":\"2026-11-23T06:00:00Z\"}}}")));
        SecretStore store = SpringVaultSecretStoreIntegrationTests.storeFor(
                URI.create("http://127.0.0.1:" + vault.port()), "token");
        store.read(KvPath.of("secret", "warm-up"), SecretStore.LATEST);

        inFlight.most.set(0);
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> reads = IntStream.range(0, CONCURRENT)
                    .<Future<?>>mapToObj(i ->
                            threads.submit(() -> store.read(KvPath.of("secret", "key-" + i), SecretStore.LATEST)))
                    .toList();
            for (Future<?> read : reads) {
                read.get();
            }
        }

        // a pool of 5 would hold Vault at 5 requests at a time, over four rounds
        assertThat(inFlight.most.get()).isEqualTo(CONCURRENT);
    }
}
