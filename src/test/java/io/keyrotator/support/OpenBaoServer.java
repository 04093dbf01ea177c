package io.keyrotator.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.jspecify.annotations.Nullable;

/**
 * A real OpenBao server for tests: a dev server in memory ({@link #startDev()}), or one on disk
 * (integrated raft storage: OpenBao 2 has no {@code file} backend) that keeps its data across
 * {@link #stop()} and {@link #start()} ({@link #startPersistent(Path)}). Offers what fault tests need: seal and unseal, SIGSTOP and SIGCONT,
 * fresh KV v2 mounts and tokens limited to a policy.
 */
public final class OpenBaoServer implements AutoCloseable {

    private final Path binary = BaoBinary.find();
    private final Path workDir;
    private final int port;
    private final boolean persistent;
    private final OpenBaoAdmin admin;
    private @Nullable Process process;
    private String rootToken;
    private String unsealKey = "";

    private OpenBaoServer(Path workDir, boolean persistent) {
        this.workDir = workDir;
        // a dev server also listens on port + 1 (its cluster port), so it claims both
        this.port = persistent ? freePort() : freePortPair();
        this.persistent = persistent;
        this.rootToken = persistent ? "" : "root-" + UUID.randomUUID();
        this.admin = new OpenBaoAdmin(address(), () -> this.rootToken);
        Harvest.secret(rootToken);
    }

    /** Starts a dev server (KV v2 at {@code secret/}, everything in memory) on a free loopback port. */
    public static OpenBaoServer startDev() {
        OpenBaoServer server = new OpenBaoServer(tempDir(), false);
        server.start();
        return server;
    }

    /** The {@code bao} binary the servers run, for a test that starts one with flags of its own. */
    public static Path binary() {
        return BaoBinary.find();
    }

    /** Where dev servers write their raw audit logs: every request and answer, secrets in clear. */
    public static final Path AUDIT_LOGS = Path.of("target", "test-logs", "openbao-audit");

    /**
     * A raw file audit device, so the leak checks can learn every token and secret id the server
     * issues ({@link Harvest}). OpenBao 2 takes audit devices from its configuration only.
     */
    private Path rawAudit() throws IOException {
        Files.createDirectories(AUDIT_LOGS.toAbsolutePath());
        Path config = workDir.resolve("audit.hcl");
        Files.writeString(config, """
                audit "file" "raw" {
                  options = {
                    file_path = "%s"
                    log_raw   = "true"
                  }
                }
                """.formatted(AUDIT_LOGS.toAbsolutePath().resolve(port + ".log")));
        return config;
    }

    /** Starts (or restarts) a server whose data lives in {@code dataDir}, initialised and unsealed. */
    public static OpenBaoServer startPersistent(Path dataDir) {
        OpenBaoServer server = new OpenBaoServer(dataDir, true);
        server.start();
        Map<String, Object> init =
                // raft storage on a busy disk has taken more than 10 s to initialise
                server.admin.call(
                        "PUT", "sys/init", Map.of("secret_shares", 1, "secret_threshold", 1), Duration.ofSeconds(60));
        server.rootToken = (String) init.get("root_token");
        Harvest.secret(server.rootToken);
        server.unsealKey = ((List<?>) init.get("keys_base64")).get(0).toString();
        server.unseal();
        server.admin.enableKv2("secret");
        return server;
    }

    public URI address() {
        return URI.create("http://127.0.0.1:" + port);
    }

    public String rootToken() {
        return rootToken;
    }

    public OpenBaoAdmin admin() {
        return admin;
    }

    /** Starts the process (again) on the same port; a persistent server is unsealed with its key. */
    public synchronized void start() {
        if (process != null && process.isAlive()) {
            return;
        }
        try {
            Files.createDirectories(workDir);
            ProcessBuilder builder = new ProcessBuilder(command())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log().toFile()));
            builder.environment().remove("VAULT_ADDR");
            builder.environment().remove("BAO_ADDR");
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Awaitility.await("OpenBao on port " + port)
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> admin.healthStatus(Duration.ofSeconds(1)) > 0);
        if (persistent && !unsealKey.isEmpty()) {
            unseal();
        }
    }

    /** Kills the process; a persistent server keeps its data for the next {@link #start()}. */
    public synchronized void stop() {
        Process running = process;
        if (running == null) {
            return;
        }
        resume();
        running.destroy();
        try {
            if (!running.waitFor(10, TimeUnit.SECONDS)) {
                running.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    /** SIGKILL: no clean shutdown; a persistent server keeps what its storage had committed. */
    public synchronized void kill() {
        Process running = process;
        if (running == null) {
            return;
        }
        running.destroyForcibly();
        try {
            running.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    public void seal() {
        admin.call("PUT", "sys/seal", null);
    }

    public void unseal() {
        if (unsealKey.isEmpty()) {
            // a dev server prints its unseal key in a banner shortly after it starts answering
            unsealKey = Awaitility.await("OpenBao dev unseal key")
                    .atMost(Duration.ofSeconds(10))
                    .until(this::readDevUnsealKey, key -> !key.isEmpty());
        }
        admin.call("PUT", "sys/unseal", Map.of("key", unsealKey));
        // raft storage elects itself leader a moment after unsealing; until then requests fail
        Awaitility.await("OpenBao active after unseal")
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> admin.healthStatus(Duration.ofSeconds(1)) == 200);
    }

    /**
     * SIGSTOP: the server keeps its sockets but answers nothing until {@link #resume()}. Returns
     * once every thread is stopped: {@code kill} returns when the signal is queued, and on a busy
     * machine the process's other threads can still answer a request before the group stop
     * reaches them.
     */
    public void pause() {
        signal("-STOP");
        Process running = process;
        if (running != null) {
            Awaitility.await("OpenBao threads stopped")
                    .atMost(Duration.ofSeconds(10))
                    .pollInterval(Duration.ofMillis(5))
                    .until(() -> allThreadsStopped(running.pid()));
        }
    }

    /** Each thread's state is the field after the parenthesised command in {@code /proc/<pid>/task/<tid>/stat}. */
    private static boolean allThreadsStopped(long pid) throws IOException {
        try (var tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            return tasks.allMatch(task -> {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    char state = stat.charAt(stat.lastIndexOf(')') + 2);
                    return state == 'T' || state == 't';
                } catch (IOException e) {
                    // a thread that ended while we listed cannot answer either
                    return true;
                }
            });
        }
    }

    public void resume() {
        signal("-CONT");
    }

    @Override
    public void close() {
        stop();
    }

    private List<String> command() throws IOException {
        if (!persistent) {
            return List.of(
                    binary.toString(),
                    "server",
                    "-dev",
                    "-dev-no-store-token",
                    "-dev-listen-address=127.0.0.1:" + port,
                    "-dev-root-token-id=" + rootToken,
                    "-config=" + rawAudit());
        }
        Path config = workDir.resolve("openbao.hcl");
        Files.createDirectories(workDir.resolve("data"));
        int clusterPort = freePort();
        Files.writeString(config, """
                storage "raft" {
                  path    = "%s"
                  node_id = "test"
                }
                listener "tcp" {
                  address         = "127.0.0.1:%d"
                  cluster_address = "127.0.0.1:%d"
                  tls_disable     = true
                }
                api_addr     = "http://127.0.0.1:%d"
                cluster_addr = "http://127.0.0.1:%d"
                """.formatted(workDir.resolve("data"), port, clusterPort, port, clusterPort));
        return List.of(binary.toString(), "server", "-config=" + config);
    }

    private String readDevUnsealKey() {
        try {
            return Files.readAllLines(log()).stream()
                    .filter(line -> line.startsWith("Unseal Key: "))
                    .reduce((first, last) -> last)
                    .map(line -> line.substring("Unseal Key: ".length()).trim())
                    .orElse("");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Path log() {
        return workDir.resolve("openbao.log");
    }

    private void signal(String signal) {
        Process running = process;
        if (running == null) {
            return;
        }
        try {
            new ProcessBuilder("kill", signal, Long.toString(running.pid()))
                    .start()
                    .waitFor();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("openbao-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A loopback port no other caller in this JVM was given and nothing listens on. Ports come from
     * below Linux's ephemeral range (32768 and up), so a port handed out here is never also picked
     * by an OS-assigned bind (Spring's random ports, outgoing connections) after it was freed.
     */
    public static int freePort() {
        while (true) {
            int port = PORTS_FROM + Math.floorMod(NEXT_PORT.getAndIncrement(), PORTS_COUNT);
            if (free(port)) {
                return port;
            }
        }
    }

    /** Two consecutive ports, both claimed as {@link #freePort()} claims one. */
    static int freePortPair() {
        while (true) {
            int first = PORTS_FROM + Math.floorMod(NEXT_PORT.getAndAdd(2), PORTS_COUNT - 1);
            if (free(first) && free(first + 1)) {
                return first;
            }
        }
    }

    private static boolean free(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(false);
            socket.bind(new java.net.InetSocketAddress("127.0.0.1", port));
            return true;
        } catch (IOException taken) {
            return false;
        }
    }

    private static final int PORTS_FROM = 20_000;
    private static final int PORTS_COUNT = 12_000;
    // a start of its own per JVM, so two test JVMs at once rarely meet
    private static final java.util.concurrent.atomic.AtomicInteger NEXT_PORT =
            new java.util.concurrent.atomic.AtomicInteger(
                    (int) (ProcessHandle.current().pid() * 97 % PORTS_COUNT));
}
