package io.keyrotator.support;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * WireMock's proxy between the service and OpenBao, with faults on demand: a share of calls fails
 * (connection reset, or 503 as a sealed or overloaded Vault answers), a share hangs past the
 * client's read timeout, and every call can be slowed by a fixed latency. It counts the calls it
 * saw, so a test can tell a retry storm from backoff.
 */
public final class FaultProxy implements AutoCloseable {

    private final Faults faults = new Faults();
    private final WireMockServer server;

    private FaultProxy(URI target) {
        server = new WireMockServer(options()
                .bindAddress("127.0.0.1")
                .dynamicPort()
                .containerThreads(200)
                .asynchronousResponseEnabled(true)
                .asynchronousResponseThreads(50)
                .disableRequestJournal()
                .extensions(faults));
        server.start();
        server.stubFor(any(anyUrl()).willReturn(aResponse().proxiedFrom(target.toString())));
    }

    public static FaultProxy start(URI target) {
        return new FaultProxy(target);
    }

    /** Where the service should find Vault. */
    public URI address() {
        return URI.create("http://127.0.0.1:" + server.port());
    }

    /** Every call waits this long before it is proxied. */
    public FaultProxy latency(Duration latency) {
        faults.latencyMillis = latency.toMillis();
        return this;
    }

    /** A share of calls fails at once, another share hangs for {@code hang} and then fails. */
    public FaultProxy faults(double failing, double hanging, Duration hang) {
        faults.failing = failing;
        faults.hanging = hanging;
        faults.hangMillis = hang.toMillis();
        return this;
    }

    /** No more faults (latency stays). */
    public FaultProxy healthy() {
        return faults(0, 0, Duration.ZERO);
    }

    public long calls() {
        return faults.calls.get();
    }

    public long faultsInjected() {
        return faults.injected.get();
    }

    @Override
    public void close() {
        server.stop();
    }

    private static final class Faults implements ResponseDefinitionTransformerV2 {

        private final AtomicLong calls = new AtomicLong();
        private final AtomicLong injected = new AtomicLong();
        private volatile double failing;
        private volatile double hanging;
        private volatile long hangMillis;
        private volatile long latencyMillis;

        @Override
        public ResponseDefinition transform(ServeEvent serveEvent) {
            calls.incrementAndGet();
            double roll = ThreadLocalRandom.current().nextDouble();
            if (roll < failing) {
                injected.incrementAndGet();
                return roll < failing / 2
                        ? aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER).build()
                        : aResponse()
                                .withStatus(503)
                                .withHeader("Content-Type", "application/json")
                                .withBody("{\"errors\":[\"injected by FaultProxy\"]}")
                                .build();
            }
            if (roll < failing + hanging) {
                injected.incrementAndGet();
                return aResponse()
                        .withFixedDelay((int) hangMillis)
                        .withFault(Fault.EMPTY_RESPONSE)
                        .build();
            }
            ResponseDefinition proxied = serveEvent.getResponseDefinition();
            return latencyMillis == 0
                    ? proxied
                    : ResponseDefinitionBuilder.like(proxied)
                            .withFixedDelay((int) latencyMillis)
                            .build();
        }

        @Override
        public String getName() {
            return "faults";
        }
    }
}
