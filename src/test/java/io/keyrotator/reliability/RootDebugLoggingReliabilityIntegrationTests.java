package io.keyrotator.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyrotator.support.Api;
import io.keyrotator.support.Harvest;
import io.keyrotator.support.OwnServices;
import io.keyrotator.support.ServiceProcess;
import io.keyrotator.support.TestServices;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The packaged service with {@code logging.level.root=DEBUG}, the setting an operator turns on while
 * troubleshooting, over the whole life of a key: register, adopt an existing secret, rotate,
 * publish ahead, promote, close the overlap, emergency rotation, a conflict adopted, a webhook
 * subscription with a receiver credential, deliveries, a signing-secret rotation, purge. No value
 * the run generated or configured reaches the console or the log file, whatever each library
 * prints at DEBUG.
 */
@OwnServices
class RootDebugLoggingReliabilityIntegrationTests {

    private final Set<String> secrets = new HashSet<>();

    @Test
    void noSecretReachesTheConsoleOrTheLogFileAtRootDebugOverAKeysWholeLife() throws Exception {
        Path file = Path.of("target", "processes", "root-debug.file.log");
        Files.deleteIfExists(file);
        try (Stack stack = Stack.inMemory("rootdebug")) {
            stack.receiver.up();
            String credential = "Bearer rcv_" + UUID.randomUUID();
            secrets.add(credential.substring("Bearer ".length()));
            secrets.add(stack.bao.rootToken());
            secrets.add(stack.database.password());
            String existing = "adopted_" + UUID.randomUUID().toString().replace("-", "");
            secrets.add(existing);
            stack.bao.admin().call("POST", "secret/data/life/adopted", Map.of("data", Map.of("api_key", existing)));
            ServiceProcess service = stack.service(
                            "root-debug", Map.of("logging.level.root", "DEBUG", "logging.file.name", file.toString()))
                    .start();
            Api api = service.api(TestServices.TOKEN);

            Api.Response hook = api.post(
                    "/api/v1/webhooks", Map.of("url", stack.receiver.url() + "/life", "authorization", credential));
            assertThat(hook.status()).isEqualTo(201);
            String hookId = (String) hook.json().get("id");
            secrets.add((String) hook.json().get("secret"));

            assertThat(api.post("/api/v1/keys", Map.of("name", "plain", "vaultPath", "life/plain", "overlap", "PT1H"))
                            .status())
                    .isEqualTo(201);
            remember(stack, "life/plain");
            assertThat(api.post(
                                    "/api/v1/keys",
                                    Map.of("name", "adopted", "vaultPath", "life/adopted", "adoptExisting", true))
                            .status())
                    .isEqualTo(201);
            assertThat(api.post(
                                    "/api/v1/keys",
                                    Map.of(
                                            "name", "ahead",
                                            "vaultPath", "life/ahead",
                                            "rotationPeriod", "P1D",
                                            "overlap", "PT3S",
                                            "publishAhead", "PT2S"))
                            .status())
                    .isEqualTo(201);
            remember(stack, "life/ahead");

            assertThat(api.post("/api/v1/keys/plain/rotations", Map.of("reason", "scheduled-like"))
                            .status())
                    .isEqualTo(201);
            remember(stack, "life/plain");
            assertThat(api.post("/api/v1/keys/plain/rotations", Map.of("overlap", "PT0S", "reason", "emergency"))
                            .status())
                    .isEqualTo(201);
            remember(stack, "life/plain");

            assertThat(api.post("/api/v1/keys/ahead/rotations", Map.of()).status())
                    .isEqualTo(201);
            remember(stack, "life/ahead");
            Awaitility.await("promotion and the close of the overlap")
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> {
                        remember(stack, "life/ahead");
                        return api.get("/api/v1/keys/ahead/versions").body().contains("\"RETIRED\"")
                                && !api.get("/api/v1/keys/ahead/versions")
                                        .body()
                                        .contains("\"NEXT\"")
                                && !api.get("/api/v1/keys/ahead/versions")
                                        .body()
                                        .contains("\"PREVIOUS\"");
                    });

            String foreign = "foreign_" + UUID.randomUUID().toString().replace("-", "");
            secrets.add(foreign);
            stack.bao.admin().call("POST", "secret/data/life/plain", Map.of("data", Map.of("api_key", foreign)));
            assertThat(api.post("/api/v1/keys/plain/rotations", Map.of()).status())
                    .isEqualTo(409);
            assertThat(api.post("/api/v1/keys/plain/adopt", null).status()).isEqualTo(200);
            assertThat(api.post("/api/v1/keys/plain/rotations", Map.of()).status())
                    .isEqualTo(201);
            remember(stack, "life/plain");

            Api.Response rotatedSecret = api.post("/api/v1/webhooks/" + hookId + "/secret/rotate", null);
            assertThat(rotatedSecret.status()).isEqualTo(200);
            secrets.add((String) rotatedSecret.json().get("secret"));
            assertThat(api.post("/api/v1/keys/adopted/rotations", Map.of()).status())
                    .isEqualTo(201);
            remember(stack, "life/adopted");
            assertThat(api.delete("/api/v1/keys/adopted?purge=true").status()).isEqualTo(204);
            Awaitility.await("deliveries, signed with both secrets")
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> stack.receiver.deliveries().stream().anyMatch(d -> "key.deleted".equals(d.type())));
            service.stop();

            String console = Files.readString(service.log());
            String logFile = Files.readString(file);

            assertThat(secrets)
                    .as("keys, signing secrets, the credential, the token, the password")
                    .hasSizeGreaterThanOrEqualTo(12);
            assertThat(console).as("the console really is at root DEBUG").contains(" DEBUG ");
            assertThat(logFile).as("the log file is written too").contains(" DEBUG ");
            assertThat(Harvest.foundIn(console, secrets))
                    .as("secrets on the console")
                    .isEmpty();
            assertThat(Harvest.foundIn(logFile, secrets))
                    .as("secrets in the log file")
                    .isEmpty();
            assertThat(console).doesNotContain("whsec_");
        }
    }

    /** Every key value the secret holds now, so a scan can look for it once it is gone. */
    @SuppressWarnings("unchecked")
    private void remember(Stack stack, String path) {
        Map<String, Object> answer = stack.bao.admin().call("GET", "secret/data/" + path, null);
        Map<String, Object> data = (Map<String, Object>) ((Map<String, Object>) answer.get("data")).get("data");
        for (String field : List.of("api_key", "next_api_key", "previous_api_key")) {
            if (data.get(field) instanceof String value) {
                secrets.add(value);
                Harvest.key(value);
            }
        }
    }
}
