package io.keyrotator.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import example.verifier.LibraryVerifierApplication;
import io.keyrotator.support.Api;
import io.keyrotator.support.OpenBaoServer;
import io.keyrotator.support.ServiceProcess;
import io.keyrotator.support.TestServices;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Scenario 7: three replicas of a dependent service on the verifier library, behind one name that
 * resolves to three addresses, refreshed by an {@code every-address} webhook that reaches each
 * {@link #REFRESH_DELAY} late (longer than the publish-ahead lead, as a slow consumer would), and
 * a client that learns its key only from its own refresh of OpenBao and calls the replicas in
 * turn. Two keys rotate side by side: one with gated promotion, which must see no rejected call,
 * and one without (the control), where the promotion races the late refresh and must cost
 * rejected calls. Mid-run one replica is stopped and a new one takes its place. Then an emergency
 * rotation, after which every replica rejects the old key once it holds the new one.
 */
// in the main lane beside the second one: a busy machine slows gated promotion down but cannot make
// it reject a call (that is what it is for), and only adds rejections to the control
class ZeroDowntimeReliabilityIntegrationTests {

    private static final Duration CLIENT_REFRESH = Duration.ofMillis(250);
    private static final Duration REFRESH_DELAY = Duration.ofMillis(1500);
    private static final String NAME = "verifiers.chain.test";
    private static final List<String> ADDRESSES = List.of("127.0.0.2", "127.0.0.3", "127.0.0.4");

    private final Scale scale = Scale.current();

    @Test
    void gatedPromotionLetsThreeLateRefreshingReplicasAndAClientRotateWithoutARejectedCall() throws Exception {
        Path hosts = Path.of("target", "processes", "chain-hosts");
        Files.createDirectories(hosts.getParent());
        StringBuilder lines = new StringBuilder("127.0.0.1 localhost\n");
        ADDRESSES.forEach(
                address -> lines.append(address).append(' ').append(NAME).append('\n'));
        Files.writeString(hosts, lines);
        try (Stack stack = Stack.inMemory("chain")) {
            ServiceProcess service = stack.service(
                            "chain",
                            Map.of(
                                    "keyrotator.scheduler.poll-interval", "PT0.2S",
                                    "keyrotator.webhooks.poll-interval", "PT0.2S",
                                    "keyrotator.webhooks.allowed-hosts", "127.0.0.0/8",
                                    "keyrotator.consumers.expire-after", "PT4S",
                                    "keyrotator.security.api-tokens[1].name", "orders",
                                    "keyrotator.security.api-tokens[1].sha256", TestServices.ACK_TOKEN_SHA256,
                                    "keyrotator.security.api-tokens[1].scopes", "keys:ack"))
                    .jvmOptions(
                            "-Xmx512m",
                            "-XX:TieredStopAtLevel=1",
                            // the name the subscription posts to resolves to the three addresses
                            "-Djdk.net.hosts.file=" + hosts.toAbsolutePath())
                    .start();
            Api api = service.api(TestServices.TOKEN);
            Map<String, Object> settings = Map.of("rotationPeriod", "PT1H", "overlap", "PT1S", "publishAhead", "PT1S");
            Map<String, Object> gatedSettings = new LinkedHashMap<>(settings);
            gatedSettings.put(
                    "promotion",
                    Map.of("awaitConsumers", List.of("orders"), "timeout", "PT5S", "onTimeout", "PROMOTE"));
            // registered idle: the chain starts once every replica holds both keys
            stack.registerKeys(api, "gated", 1, gatedSettings);
            stack.registerKeys(api, "plain", 1, settings);
            int webhookPort = OpenBaoServer.freePort();
            Api.Response subscribed = api.post(
                    "/api/v1/webhooks",
                    Map.of(
                            "url",
                            "http://" + NAME + ":" + webhookPort + "/keyrotator/webhook",
                            "format",
                            "standard",
                            "deliverTo",
                            "every-address",
                            "keys",
                            List.of("gated-0", "plain-0")));
            assertThat(subscribed.status()).as(subscribed.toString()).isEqualTo(201);
            String secret = (String) subscribed.json().get("secret");

            Replicas replicas = new Replicas(stack, service, secret);
            List<SlowRefresh> delays = new ArrayList<>();
            try (replicas) {
                for (int i = 0; i < ADDRESSES.size(); i++) {
                    int port = replicas.start("replica-" + i);
                    delays.add(new SlowRefresh(ADDRESSES.get(i), webhookPort, port, REFRESH_DELAY));
                }
                try (Client gated = client(stack, "gated-0", replicas);
                        Client plain = client(stack, "plain-0", replicas)) {
                    awaitHeld(api, "gated-0", List.of("replica-0", "replica-1", "replica-2"), 1);
                    int gatedStart = currentVersion(api, "gated-0");
                    int plainStart = currentVersion(api, "plain-0");
                    for (String key : List.of("gated-0", "plain-0")) {
                        assertThat(api.patch("/api/v1/keys/" + key, Map.of("rotationPeriod", "PT8S"))
                                        .status())
                                .isEqualTo(200);
                    }
                    int rotations = scale.chainRotations();
                    awaitRotations(api, gatedStart, plainStart, rotations / 2);
                    // a replica goes away and a new one takes its address, mid-run
                    replicas.replace(1, "replica-1b", List.of(gated, plain));
                    awaitRotations(api, gatedStart, plainStart, rotations);
                    Client.Counts withGating = gated.stop();
                    Client.Counts withoutGating = plain.stop();

                    // both paused: a delivery takes 1.5 s, and a key rotating every 4 s always has one in flight
                    api.patch("/api/v1/keys/gated-0", Map.of("state", "PAUSED"));
                    api.patch("/api/v1/keys/plain-0", Map.of("state", "PAUSED"));
                    Settle.drain(stack.db, Duration.ofSeconds(30));
                    String old = gated.currentKey();
                    Api.Response emergency =
                            api.post("/api/v1/keys/gated-0/rotations", Map.of("reason", "leaked", "overlap", "PT0S"));
                    long emergencyAt = System.nanoTime();
                    assertThat(emergency.status()).isEqualTo(201);
                    int emergencyVersion = currentVersion(api, "gated-0");
                    awaitHeld(api, "gated-0", List.of("replica-0", "replica-1b", "replica-2"), emergencyVersion);
                    long heldAfterMillis = (System.nanoTime() - emergencyAt) / 1_000_000;
                    List<Integer> oldKeyAnswers = replicas.uris("gated-0").stream()
                            .map(uri -> Client.call(uri, old))
                            .toList();
                    List<String> delayed = delayedPromotions(stack);

                    Map<String, Object> figures = new LinkedHashMap<>();
                    figures.put("rotationsPerKey", rotations);
                    figures.put("replicas", ADDRESSES.size());
                    figures.put("webhookDelayMillis", REFRESH_DELAY.toMillis());
                    figures.put("gatedCalls", withGating.calls());
                    figures.put("gatedRejected", withGating.rejected());
                    figures.put("ungatedCalls", withoutGating.calls());
                    figures.put("ungatedRejected", withoutGating.rejected());
                    figures.put("promotionsDelayedPastTimeout", delayed.size());
                    figures.put("everyReplicaHeldEmergencyKeyMillis", heldAfterMillis);
                    Report.print("zero-downtime", figures);
                    assertThat(withGating.calls()).isPositive();
                    assertThat(withGating.rejected())
                            .as("rejected with gated promotion: %s", withGating.firstRejections())
                            .isZero();
                    assertThat(withoutGating.rejected())
                            .as("the control: without gating the late refresh must cost rejected calls")
                            .isPositive();
                    assertThat(delayed)
                            .as("the replaced replica dropped out before the timeout: no promotion waited that long")
                            .isEmpty();
                    assertThat(oldKeyAnswers)
                            .as("the old key, at every replica once it holds the emergency rotation's key")
                            .containsOnly(401);
                }
            } finally {
                delays.forEach(SlowRefresh::close);
            }
        }
    }

    private Client client(Stack stack, String key, Replicas replicas) {
        return new Client(stack.bao.admin(), "secret", "api-keys/" + key, () -> replicas.uris(key), CLIENT_REFRESH);
    }

    private void awaitRotations(Api api, int gatedStart, int plainStart, int rotations) {
        Awaitility.await(rotations + " rotations of each key")
                .atMost(Duration.ofSeconds(rotations * 12L + 60))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> currentVersion(api, "gated-0") - gatedStart >= rotations
                        && currentVersion(api, "plain-0") - plainStart >= rotations);
    }

    @SuppressWarnings("unchecked")
    private static void awaitHeld(Api api, String key, List<String> instances, int version) {
        Awaitility.await(String.join(", ", instances) + " hold version " + version + " of " + key)
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    List<Map<String, Object>> consumers = (List<Map<String, Object>>)
                            api.get("/api/v1/keys/" + key + "/consumers").json().get("items");
                    return instances.stream()
                            .allMatch(instance -> consumers.stream()
                                    .flatMap(c -> ((List<Map<String, Object>>) c.get("instances")).stream())
                                    .anyMatch(i -> instance.equals(i.get("instance"))
                                            && ((Number) i.get("version")).intValue() >= version));
                });
    }

    private static List<String> delayedPromotions(Stack stack) {
        return stack.db
                .sql("SELECT payload::text FROM webhook_event WHERE type = 'key.promotion_delayed'")
                .query(String.class)
                .list();
    }

    private static int currentVersion(Api api, String key) {
        return ((Number) api.get("/api/v1/keys/" + key).json().get("currentVersion")).intValue();
    }

    /** The replicas, each an application context of its own on a port of its own. */
    private static final class Replicas implements AutoCloseable {

        private final Stack stack;
        private final ServiceProcess service;
        private final String secret;
        private final List<ConfigurableApplicationContext> running = new CopyOnWriteArrayList<>();
        private final List<Integer> ports = new CopyOnWriteArrayList<>();

        Replicas(Stack stack, ServiceProcess service, String secret) {
            this.stack = stack;
            this.service = service;
            this.secret = secret;
        }

        int start(String instance) {
            int port = OpenBaoServer.freePort();
            running.add(launch(instance, port));
            ports.add(port);
            return port;
        }

        /**
         * Stops replica {@code index} and starts another on its port. It leaves the clients'
         * rotation first, as a load balancer deregisters a pod before it stops: once each client
         * has made two calls since, any call that might have picked it has finished.
         */
        void replace(int index, String instance, List<Client> clients) {
            int port = ports.remove(index);
            ConfigurableApplicationContext gone = running.remove(index);
            for (Client client : clients) {
                long before = client.calls();
                Awaitility.await("calls past the replica leaving")
                        .atMost(Duration.ofSeconds(10))
                        .pollInterval(Duration.ofMillis(5))
                        .until(() -> client.calls() >= before + 2);
            }
            gone.close();
            ConfigurableApplicationContext fresh = launch(instance, port);
            running.add(index, fresh);
            ports.add(index, port);
        }

        List<URI> uris(String key) {
            return ports.stream()
                    .map(port -> URI.create("http://127.0.0.1:" + port + "/verify/" + key))
                    .toList();
        }

        private ConfigurableApplicationContext launch(String instance, int port) {
            Map<String, Object> properties = new LinkedHashMap<>();
            properties.put("server.address", "127.0.0.1");
            properties.put("keyrotator.verifier.consumer", "orders");
            properties.put("keyrotator.verifier.instance", instance);
            properties.put("keyrotator.verifier.ack.url", "http://127.0.0.1:" + service.port());
            properties.put("keyrotator.verifier.ack.token", TestServices.ACK_TOKEN);
            properties.put("keyrotator.verifier.webhook.secrets[0]", secret);
            // the fallback poll, slower than the lead; the heartbeat well inside expire-after
            properties.put("keyrotator.verifier.poll-interval", "PT2.5S");
            properties.put("keyrotator.verifier.ack.interval", "PT1S");
            return LibraryVerifierApplication.start(
                    stack.bao.address().toString(),
                    stack.bao.rootToken(),
                    port,
                    "secret",
                    Map.of("gated-0", "api-keys/gated-0", "plain-0", "api-keys/plain-0"),
                    properties);
        }

        @Override
        public void close() {
            running.forEach(ConfigurableApplicationContext::close);
        }
    }
}
