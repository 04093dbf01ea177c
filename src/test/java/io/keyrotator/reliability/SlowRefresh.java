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

/**
 * Forwards a verifier's webhook {@code delay} late, as a verifier that takes that long to refresh
 * would: the delay comes before the request is passed on.
 */
final class SlowRefresh implements AutoCloseable {

    private final WireMockServer server;

    /** Listening on {@code address}:{@code port}, as one of the addresses a name resolves to. */
    SlowRefresh(String address, int port, int verifierPort, Duration delay) {
        server = new WireMockServer(options()
                .bindAddress(address)
                .port(port)
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
    }

    @Override
    public void close() {
        server.stop();
    }
}
