package io.keyrotator.support;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.extension.ResponseTransformerV2;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.http.HttpHeader;
import com.github.tomakehurst.wiremock.http.HttpHeaders;
import com.github.tomakehurst.wiremock.http.RequestMethod;
import com.github.tomakehurst.wiremock.http.Response;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * WireMock's proxy between the service and OpenBao, with faults on demand: a share of calls fails
 * (connection reset, or 503 as a sealed or overloaded Vault answers), a share hangs past the
 * client's read timeout, and every call can be slowed by a fixed latency. Those faults are answered
 * by the proxy itself; {@link #loseAnswers} instead forwards a share of KV writes to OpenBao, which
 * applies them, and then loses the answer ({@link Loss}): the case a write intent exists for. It
 * counts the calls it saw, so a test can tell a retry storm from backoff.
 */
public final class FaultProxy implements AutoCloseable {

    private final Faults faults = new Faults();
    private final Losses losses;
    private final WireMockServer server;

    private FaultProxy(URI target) {
        losses = new Losses(target);
        server = new WireMockServer(options()
                .bindAddress("127.0.0.1")
                .dynamicPort()
                .containerThreads(200)
                .asynchronousResponseEnabled(true)
                .asynchronousResponseThreads(50)
                .disableRequestJournal()
                .extensions(faults, losses));
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
        losses.share = 0;
        return faults(0, 0, Duration.ZERO);
    }

    /** What becomes of the answer to a KV write that OpenBao has applied. */
    public enum Loss {
        /** The connection is reset instead of the answer. */
        RESET,
        /** A 504, as a load balancer answers when its upstream took too long. */
        GATEWAY_TIMEOUT,
        /** The real answer, {@code delay} late. */
        LATE,
        /** The write is sent to OpenBao a second time, as a retrying proxy would; its answer is returned. */
        SENT_TWICE
    }

    /** A share of KV writes ({@code POST …/data/…}) reaches OpenBao, and then the answer meets {@code loss}. */
    public FaultProxy loseAnswers(double share, Loss loss, Duration delay) {
        losses.loss = loss;
        losses.delayMillis = delay.toMillis();
        losses.share = share;
        return this;
    }

    /** Writes OpenBao applied whose answer was then lost, delayed or replaced. */
    public long answersLost() {
        return losses.lost.get();
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

    private static final class Losses implements ResponseTransformerV2 {

        private final HttpClient http = HttpClient.newHttpClient();
        private final URI target;
        private final AtomicLong lost = new AtomicLong();
        private volatile double share;
        private volatile Loss loss = Loss.RESET;
        private volatile long delayMillis;

        Losses(URI target) {
            this.target = target;
        }

        @Override
        public Response transform(Response response, ServeEvent serveEvent) {
            LoggedRequest request = serveEvent.getRequest();
            // a fault or 5xx of the proxy's own never reached OpenBao
            boolean write = response.getFault() == null
                    && (request.getMethod().equals(RequestMethod.POST)
                            || request.getMethod().equals(RequestMethod.PUT))
                    && request.getUrl().contains("/data/")
                    && response.getStatus() < 500;
            if (!write || share == 0 || ThreadLocalRandom.current().nextDouble() >= share) {
                return response;
            }
            lost.incrementAndGet();
            return switch (loss) {
                case RESET ->
                    Response.Builder.like(response)
                            .but()
                            .fault(Fault.CONNECTION_RESET_BY_PEER)
                            .build();
                case GATEWAY_TIMEOUT ->
                    Response.Builder.like(response)
                            .but()
                            .status(504)
                            .headers(new HttpHeaders(new HttpHeader("Content-Type", "text/plain")))
                            .body("upstream timed out")
                            .build();
                case LATE ->
                    Response.Builder.like(response)
                            .but()
                            .incrementInitialDelay(delayMillis)
                            .build();
                case SENT_TWICE -> sendAgain(request, response);
            };
        }

        private Response sendAgain(LoggedRequest request, Response first) {
            HttpRequest.Builder again = HttpRequest.newBuilder(target.resolve(request.getUrl()))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(request.getBody()));
            String token = request.getHeader("X-Vault-Token");
            if (token != null) {
                again.header("X-Vault-Token", token);
            }
            again.header("Content-Type", "application/json");
            try {
                HttpResponse<byte[]> second = http.send(again.build(), HttpResponse.BodyHandlers.ofByteArray());
                return Response.Builder.like(first)
                        .but()
                        .status(second.statusCode())
                        .headers(new HttpHeaders(new HttpHeader("Content-Type", "application/json")))
                        .body(second.body())
                        .build();
            } catch (java.io.IOException e) {
                return Response.Builder.like(first)
                        .but()
                        .fault(Fault.CONNECTION_RESET_BY_PEER)
                        .build();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return first;
            }
        }

        @Override
        public String getName() {
            return "losses";
        }
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
