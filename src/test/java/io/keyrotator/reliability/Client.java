package io.keyrotator.reliability;

import io.keyrotator.support.OpenBaoAdmin;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A consumer of a key: it reads {@code api_key} from OpenBao on its own schedule (no webhook) and
 * calls the verifier with it continuously, counting the calls and the rejections.
 */
final class Client implements AutoCloseable {

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /** Calls made and rejected, and the first rejections as {@code <instant> <status>} for diagnosis. */
    record Counts(long calls, long rejected, List<String> firstRejections) {}

    private final OpenBaoAdmin vault;
    private final String mount;
    private final String path;
    private final java.util.function.Supplier<List<URI>> verifiers;
    private final AtomicReference<String> key = new AtomicReference<>();
    private final AtomicLong calls = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final List<String> firstRejections = new CopyOnWriteArrayList<>();
    private final Thread refresher;
    private final Thread caller;
    private volatile boolean running = true;

    /**
     * Calls the {@code verifiers} in turn, as a load balancer in front of replicas would; the list
     * is asked again for every call, so replicas can leave and join.
     */
    Client(
            OpenBaoAdmin vault,
            String mount,
            String path,
            java.util.function.Supplier<List<URI>> verifiers,
            Duration refresh) {
        this.vault = vault;
        this.mount = mount;
        this.path = path;
        this.verifiers = verifiers;
        key.set(read());
        refresher = Thread.ofPlatform().daemon().start(() -> {
            while (running) {
                key.set(read());
                pause(refresh);
            }
        });
        caller = Thread.ofPlatform().daemon().start(() -> {
            long turn = 0;
            while (running) {
                List<URI> targets = verifiers.get();
                URI target = targets.get((int) (turn++ % targets.size()));
                calls.incrementAndGet();
                int status = call(target, key.get());
                if (status != 200 && rejected.incrementAndGet() <= 10) {
                    firstRejections.add(Instant.now() + " " + status + " " + target);
                }
                pause(Duration.ofMillis(5));
            }
        });
    }

    /** Calls made so far; a call counts when it starts, and the next starts once it finished. */
    long calls() {
        return calls.get();
    }

    String currentKey() {
        return read();
    }

    Counts stop() throws InterruptedException {
        running = false;
        refresher.join();
        caller.join();
        return new Counts(calls.get(), rejected.get(), List.copyOf(firstRejections));
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }

    static int call(URI verifier, String apiKey) {
        try {
            return HTTP.send(
                            HttpRequest.newBuilder(verifier)
                                    .header("X-Api-Key", apiKey)
                                    .timeout(Duration.ofSeconds(5))
                                    .build(),
                            HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    @SuppressWarnings("unchecked")
    private String read() {
        Map<String, Object> data = (Map<String, Object>)
                vault.call("GET", mount + "/data/" + path, null).get("data");
        return (String) ((Map<String, Object>) data.get("data")).get("api_key");
    }

    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
