package io.keyrotator.reliability;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Forwards a verifier's refresh webhook {@code delay} late, as a verifier that takes that long to
 * refresh would: the delay comes before the request is passed on. It counts the refreshes it
 * passed on, so a test can wait for the one an event caused.
 */
final class SlowRefresh implements AutoCloseable {

    private final WireMockServer server;
    private final AtomicLong forwarded = new AtomicLong();

    SlowRefresh(int verifierPort, Duration delay) {
        server = new WireMockServer(options()
                .bindAddress("127.0.0.1")
                .port(io.keyrotator.support.OpenBaoServer.freePort())
                .disableRequestJournal()
                .extensions(new ResponseDefinitionTransformerV2() {
                    @Override
                    public ResponseDefinition transform(ServeEvent event) {
                        try {
                            Thread.sleep(delay);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        return event.getResponseDefinition();
                    }

                    @Override
                    public String getName() {
                        return "slow";
                    }
                }));
        server.start();
        server.stubFor(any(anyUrl()).willReturn(aResponse().proxiedFrom("http://127.0.0.1:" + verifierPort)));
        server.addMockServiceRequestListener((request, response) -> forwarded.incrementAndGet());
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.port() + path;
    }

    long forwarded() {
        return forwarded.get();
    }

    @Override
    public void close() {
        server.stop();
    }
}
