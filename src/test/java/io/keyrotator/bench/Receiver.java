package io.keyrotator.bench;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A webhook receiver on loopback (the JDK's HTTP server): answers 204 at once and notes when each
 * {@code webhook-id} first arrived and when the last request did. Signatures are not checked: the
 * webhook tests do that; here only time counts.
 */
final class Receiver implements AutoCloseable {

    private final HttpServer server;
    private final Map<String, Instant> firstArrival = new ConcurrentHashMap<>();
    private final AtomicLong requests = new AtomicLong();
    private volatile long firstNanos;
    private volatile long lastNanos;
    private volatile CountDownLatch gate = new CountDownLatch(0);

    Receiver() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 200);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", exchange -> {
            awaitGate();
            Instant now = Instant.now();
            exchange.getRequestBody().readAllBytes();
            String id = exchange.getRequestHeaders().getFirst("webhook-id");
            if (id != null) {
                firstArrival.putIfAbsent(id, now);
            }
            long nanos = System.nanoTime();
            if (requests.getAndIncrement() == 0 && firstNanos == 0) {
                firstNanos = nanos;
            }
            lastNanos = nanos;
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        server.start();
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    long requests() {
        return requests.get();
    }

    Map<String, Instant> firstArrivals() {
        return Map.copyOf(firstArrival);
    }

    /** Seconds from the first request (or the release) to the last since {@link #reset()}. */
    double busySeconds() {
        return (lastNanos - firstNanos) / 1e9;
    }

    /** Requests wait, unanswered, until {@link #release()}: the sender builds up a backlog. */
    void hold() {
        gate = new CountDownLatch(1);
    }

    /** Answers the waiting requests; counting restarts here. */
    void release() {
        reset();
        firstNanos = System.nanoTime();
        requests.set(0);
        gate.countDown();
    }

    private void awaitGate() {
        try {
            gate.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    void reset() {
        requests.set(0);
        firstNanos = 0;
        firstArrival.clear();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
