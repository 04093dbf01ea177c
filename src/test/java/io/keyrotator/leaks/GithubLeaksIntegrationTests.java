package io.keyrotator.leaks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.keyrotator.support.Api;
import io.keyrotator.support.KeyrotatorIntegrationTest;
import io.keyrotator.support.OpenBaoExtension;
import io.keyrotator.support.PendingVaultSync;
import io.keyrotator.support.TestServices;
import io.keyrotator.vault.KvPath;
import io.keyrotator.vault.SecretStore;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * GitHub's secret scanning partner endpoint with key pairs made here: GitHub's payload, signed
 * with ECDSA P-256 over the raw body, answered at once, the rotation done by the leak worker.
 */
@KeyrotatorIntegrationTest
class GithubLeaksIntegrationTests {

    private static final String TRUSTED_ID = "90a421169f0a406205f1563a953312f0be898d3c7b6c06b681aa86a874555f4a";
    private static final KeyPair TRUSTED = keyPair();
    private static final KeyPair STRANGER = keyPair();

    @RegisterExtension
    static final OpenBaoExtension vault = new OpenBaoExtension();

    @LocalServerPort
    int port;

    @Autowired
    SecretStore store;

    @Autowired
    JdbcClient jdbc;

    Api api;
    Api github;

    @DynamicPropertySource
    static void services(DynamicPropertyRegistry registry) {
        TestServices.register(registry, vault);
        registry.add("keyrotator.leaks.github.public-keys[0].identifier", () -> TRUSTED_ID);
        registry.add("keyrotator.leaks.github.public-keys[0].key", () -> pem(TRUSTED));
    }

    @BeforeEach
    void clients() {
        api = new Api(port, TestServices.TOKEN);
        github = new Api(port, null);
    }

    @Test
    void aSignedReportIsAnsweredAtOnceAndTheWorkerRotatesTheLeakedKeyAway() {
        String name = register();
        String leaked = current(name);
        String body = payload(leaked, "not-a-key-of-ours-" + UUID.randomUUID());

        Api.Response answer = send(body, TRUSTED_ID, sign(TRUSTED, body));

        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        List<Map<String, Object>> feedback = answer.jsonList();
        assertThat(feedback).extracting(f -> f.get("label")).containsExactly("true_positive", "false_positive");
        assertThat(feedback.getFirst()).containsEntry("token_hash", LeakReportIntegrationTests.sha256(leaked));
        assertThat(answer.body()).doesNotContain(leaked);
        await().atMost(Duration.ofSeconds(30)).until(() -> !current(name).equals(leaked));
        Map<String, Object> leak = leakOf(name);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> "ROTATED".equals(leakOf(name).get("outcome")));
        assertThat(leakOf(name))
                .containsEntry("reporter", "github")
                .containsEntry("source", "https://github.com/octocat/Hello-World/blob/1234/foo/bar.txt");
        assertThat(leak.get("reportedAt")).isNotNull();

        Api.Response replayed = send(body, TRUSTED_ID, sign(TRUSTED, body));

        assertThat(replayed.status())
                .as("a replayed body is the same leak: nothing more")
                .isEqualTo(200);
        assertThat(versions(name)).isEqualTo(2);
        assertThat(api.get("/api/v1/keys/" + name + "/leaks").json().get("items"))
                .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.LIST)
                .hasSize(1);
    }

    @Test
    void aRequestNotSignedByAConfiguredKeyIsRefusedAndDoesNothing() {
        String name = register();
        String leaked = current(name);
        String body = payload(leaked);
        String tampered = payload(current(register()));

        List<Api.Response> refused = List.of(
                send(body, TRUSTED_ID, sign(STRANGER, body)),
                send(tampered, TRUSTED_ID, sign(TRUSTED, body)),
                send(body, "an-unknown-identifier", sign(TRUSTED, body)),
                send(body, TRUSTED_ID, "not base64 at all!"),
                github.post("/api/v1/leaks/github", body));

        assertThat(refused).extracting(Api.Response::status).containsOnly(401);
        assertThat(refused).allSatisfy(response -> assertThat(response.body()).doesNotContain(leaked));
        assertThat(versions(name)).isEqualTo(1);
        assertThat(jdbc.sql("SELECT count(*) FROM leak_report WHERE channel = 'github' AND key_name = ?")
                        .param(name)
                        .query(Long.class)
                        .single())
                .isZero();
    }

    @Test
    void aSignedBodyThatIsNotGithubsPayloadIsABadRequest() {
        String notAnArray = "{\"token\": \"x\"}";
        String noToken = "[{\"type\": \"t\"}]";

        assertThat(send(notAnArray, TRUSTED_ID, sign(TRUSTED, notAnArray)).status())
                .isEqualTo(400);
        assertThat(send(noToken, TRUSTED_ID, sign(TRUSTED, noToken)).status()).isEqualTo(400);
    }

    private Api.Response send(String body, String identifier, String signature) {
        return github.post(
                "/api/v1/leaks/github",
                body,
                "Github-Public-Key-Identifier",
                identifier,
                "Github-Public-Key-Signature",
                signature);
    }

    private static String payload(String... tokens) {
        StringBuilder json = new StringBuilder("[");
        for (String token : tokens) {
            if (json.length() > 1) {
                json.append(',');
            }
            json.append("{\"token\":\"")
                    .append(token)
                    .append("\",\"type\":\"keyrotator_api_key\",")
                    .append("\"url\":\"https://github.com/octocat/Hello-World/blob/1234/foo/bar.txt\",")
                    .append("\"source\":\"content\"}");
        }
        return json.append(']').toString();
    }

    private Map<String, Object> leakOf(String name) {
        List<?> items =
                (List<?>) api.get("/api/v1/keys/" + name + "/leaks").json().get("items");
        @SuppressWarnings("unchecked")
        Map<String, Object> first = (Map<String, Object>) items.getFirst();
        return first;
    }

    private long versions(String name) {
        return jdbc.sql("SELECT count(*) FROM key_version v JOIN managed_key k ON k.id = v.key_id WHERE k.name = ?")
                .param(name)
                .query(Long.class)
                .single();
    }

    private String register() {
        String name = "gh-" + UUID.randomUUID().toString().substring(0, 8);
        assertThat(api.post("/api/v1/keys", Map.of("name", name)).status()).isEqualTo(201);
        PendingVaultSync.awaitNone(jdbc);
        return name;
    }

    private String current(String name) {
        return store.read(KvPath.of(vault.mount(), "api-keys/" + name), SecretStore.LATEST)
                .orElseThrow()
                .string("api_key");
    }

    private static String sign(KeyPair pair, String body) {
        try {
            Signature signer = Signature.getInstance("SHA256withECDSA");
            signer.initSign(pair.getPrivate());
            signer.update(body.getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(signer.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static KeyPair keyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String pem(KeyPair pair) {
        return "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder().encodeToString(pair.getPublic().getEncoded())
                + "\n-----END PUBLIC KEY-----\n";
    }
}
