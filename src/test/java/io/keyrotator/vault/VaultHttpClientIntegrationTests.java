package io.keyrotator.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keyrotator.support.OpenBaoServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.vault.authentication.TokenAuthentication;
import org.springframework.vault.client.VaultEndpoint;
import org.springframework.vault.core.VaultTemplate;

/**
 * The pool of {@link VaultHttpClient} when every connection it holds dies at once (Vault
 * restarted, a load balancer dropped its connections): a relay between the client and a real
 * OpenBao closes all of them, and the very next calls come within the pool's two seconds of
 * trust, so no stale check saves them.
 */
class VaultHttpClientIntegrationTests {

    private static OpenBaoServer server;
    private static Relay relay;
    private static SecretStore store;

    @BeforeAll
    static void start() throws IOException {
        server = OpenBaoServer.startDev();
        relay = new Relay(server.address());
        var vault = new org.springframework.cloud.vault.config.VaultProperties();
        vault.setConnectionTimeout(2_000);
        vault.setReadTimeout(5_000);
        store = new SpringVaultSecretStore(new VaultTemplate(
                VaultEndpoint.from(relay.address()),
                VaultHttpClient.create(vault, 8),
                () -> new TokenAuthentication(server.rootToken()).login()));
    }

    @AfterAll
    static void stop() throws IOException {
        relay.close();
        server.close();
    }

    @Test
    void readsAfterEveryPooledConnectionDiedSucceedOnNewConnections() throws Exception {
        KvPath path = written();
        warmThePool(path);
        int before = relay.accepted();

        relay.cutAll();

        for (int i = 0; i < 8; i++) {
            assertThat(store.read(path, SecretStore.LATEST)).isPresent();
        }
        assertThat(relay.accepted() - before).as("new connections").isPositive().isLessThanOrEqualTo(2);
    }

    @Test
    void aWriteThatMetADeadConnectionIsNotSentAgainAndTheNextWriteGoesThrough() throws Exception {
        KvPath path = written();
        warmThePool(path);

        relay.cutAll();

        assertThatThrownBy(() -> store.write(path, Map.of("api_key", "second"), 1))
                .isInstanceOf(SecretStoreUnavailableException.class);
        assertThat(store.read(path, SecretStore.LATEST).orElseThrow().version())
                .as("the failed write did not reach Vault, and was not resent")
                .isEqualTo(1);
        assertThat(store.write(path, Map.of("api_key", "second"), 1).version()).isEqualTo(2);
    }

    private static KvPath written() {
        KvPath path = KvPath.of("secret", "pool/" + UUID.randomUUID());
        store.write(path, Map.of("api_key", "first"), 0);
        return path;
    }

    /** Eight reads at once, so the pool holds several idle connections when they are cut. */
    private static void warmThePool(KvPath path) throws InterruptedException {
        CountDownLatch go = new CountDownLatch(1);
        try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 8; i++) {
                threads.submit(() -> {
                    go.await();
                    return store.read(path, SecretStore.LATEST);
                });
            }
            go.countDown();
        }
        assertThat(relay.open()).as("pooled connections").isGreaterThan(1);
    }

    /** A TCP relay to OpenBao that can close every connection it carries. */
    private static final class Relay implements AutoCloseable {

        private final ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        private final Set<Socket> clients = ConcurrentHashMap.newKeySet();
        private final AtomicInteger accepted = new AtomicInteger();
        private final URI target;

        Relay(URI target) throws IOException {
            this.target = target;
            Thread.ofVirtual().start(this::accept);
        }

        URI address() {
            return URI.create("http://127.0.0.1:" + listener.getLocalPort());
        }

        int accepted() {
            return accepted.get();
        }

        int open() {
            return (int) clients.stream().filter(socket -> !socket.isClosed()).count();
        }

        void cutAll() throws IOException {
            for (Socket client : List.copyOf(clients)) {
                client.close();
            }
            clients.clear();
        }

        private void accept() {
            while (!listener.isClosed()) {
                try {
                    Socket client = listener.accept();
                    Socket upstream = new Socket(target.getHost(), target.getPort());
                    accepted.incrementAndGet();
                    clients.add(client);
                    Thread.ofVirtual().start(() -> pipe(client, upstream));
                    Thread.ofVirtual().start(() -> pipe(upstream, client));
                } catch (IOException e) {
                    if (!listener.isClosed()) {
                        throw new UncheckedIOException(e);
                    }
                }
            }
        }

        private static void pipe(Socket from, Socket to) {
            try (from;
                    to;
                    InputStream in = from.getInputStream();
                    OutputStream out = to.getOutputStream()) {
                in.transferTo(out);
            } catch (IOException closed) {
                // one side closed: closing both ends the connection the way a dead server does
            }
        }

        @Override
        public void close() throws IOException {
            listener.close();
            cutAll();
        }
    }
}
