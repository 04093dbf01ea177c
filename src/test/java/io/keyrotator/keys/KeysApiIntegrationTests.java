package io.keyrotator.keys;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyrotator.support.Api;
import io.keyrotator.support.KeyrotatorIntegrationTest;
import io.keyrotator.support.OpenBaoExtension;
import io.keyrotator.support.TestServices;
import io.keyrotator.vault.KvPath;
import io.keyrotator.vault.SecretStore;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

/** The keys resource as docs/contract.md#keys fixes it: validation problems, scopes, listing, patch and delete. */
@KeyrotatorIntegrationTest
@TestPropertySource(
        properties = {
            "keyrotator.security.api-tokens[1].name=reader",
            "keyrotator.security.api-tokens[1].sha256=" + KeysApiIntegrationTests.READER_SHA256,
            "keyrotator.security.api-tokens[1].scopes=keys:read"
        })
class KeysApiIntegrationTests {

    /** sha256 of "reader-token". */
    static final String READER_SHA256 = "ba5005a40cf5212e4ac0190104cc127edab013294bb71279a975b27a80982d45";

    @RegisterExtension
    static final OpenBaoExtension vault = new OpenBaoExtension();

    @LocalServerPort
    int port;

    @Autowired
    SecretStore store;

    Api api;

    @DynamicPropertySource
    static void services(DynamicPropertyRegistry registry) {
        TestServices.register(registry, vault);
    }

    @BeforeEach
    void client() {
        api = new Api(port, TestServices.TOKEN);
    }

    @Test
    void invalidRegistrationNamesEveryBadField() {
        Api.Response response = api.post(
                "/api/v1/keys",
                Map.of(
                        "name", "Bad Name",
                        "vaultPath", "a//../b",
                        "generator", Map.of("bytes", 8, "encoding", "base32", "prefix", "no-dash"),
                        "rotationPeriod", "PT30S",
                        "publishAhead", "soon"));

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.header("Content-Type")).startsWith("application/problem+json");
        Map<String, Object> problem = response.json();
        assertThat(problem)
                .containsEntry("type", "urn:keyrotator:problem:validation")
                .containsEntry("status", 400);
        assertThat(fields(problem))
                .contains(
                        "name",
                        "vaultPath",
                        "generator.bytes",
                        "generator.encoding",
                        "generator.prefix",
                        "rotationPeriod",
                        "publishAhead");
    }

    /** Found by a black-box run of the packaged jar: such a period answered 500 (a timestamp overflow). */
    @Test
    void aPeriodOrOverlapTooLongForATimestampIs400NotA500() {
        String name = register();

        Api.Response period = api.post("/api/v1/keys", Map.of("name", name + "-x", "rotationPeriod", "P200000000D"));
        Api.Response overlap = api.post("/api/v1/keys/" + name + "/rotations", Map.of("overlap", "P200000000D"));

        assertThat(period.status()).as(period.body()).isEqualTo(400);
        assertThat(period.json()).containsEntry("type", "urn:keyrotator:problem:validation");
        assertThat(period.body()).contains("rotationPeriod");
        assertThat(overlap.status()).as(overlap.body()).isEqualTo(400);
        assertThat(overlap.body()).contains("overlap");
        assertThat(api.get("/api/v1/keys/" + name + "-x").status()).isEqualTo(404);
    }

    @Test
    void overlapPlusPublishAheadMustBeShorterThanThePeriod() {
        Api.Response response = api.post(
                "/api/v1/keys",
                Map.of("name", unique(), "rotationPeriod", "PT1H", "overlap", "PT50M", "publishAhead", "PT10M"));

        assertThat(response.status()).isEqualTo(400);
        assertThat(fields(response.json())).contains("overlap");
    }

    @Test
    void aKeyWithEveryFieldAtItsMaximumRegistersRotatesAndReadsBack() {
        String name = "m" + "x".repeat(55) + UUID.randomUUID().toString().substring(0, 8);
        String path = ("segment-" + "p".repeat(55) + "/").repeat(3) + "z".repeat(256 - 3 * 64);
        Map<String, String> labels = new java.util.LinkedHashMap<>();
        for (int i = 0; i < 32; i++) {
            labels.put(String.format("%02d", i) + "l".repeat(61), "v".repeat(256));
        }
        Map<String, Object> body = new java.util.LinkedHashMap<>();
        body.put("name", name);
        body.put("vaultPath", path);
        body.put("vaultField", "f" + "_".repeat(47));
        body.put(
                "generator", Map.of("bytes", 256, "encoding", "base64url", "prefix", "P".repeat(32), "checksum", true));
        body.put("rotationPeriod", "P3650D");
        body.put("overlap", "P1824D");
        body.put("publishAhead", "P1824D");
        body.put("labels", labels);

        Api.Response created = api.post("/api/v1/keys", body);
        Api.Response rotated = api.post("/api/v1/keys/" + name + "/rotations", Map.of("reason", "r".repeat(512)));

        assertThat(name).hasSize(64);
        assertThat(path).hasSize(256);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(rotated.status()).as(rotated.body()).isEqualTo(201);
        assertThat(api.get("/api/v1/keys/" + name).json())
                .containsEntry("vaultPath", path)
                .containsEntry("labels", labels)
                .containsEntry("rotationPeriod", "P3650D");
        assertThat(api.delete("/api/v1/keys/" + name + "?purge=true").status()).isEqualTo(204);
    }

    @Test
    void unknownFieldsWrongTypesAndBrokenJsonAre400() {
        Api.Response unknown = api.post("/api/v1/keys", Map.of("name", unique(), "colour", "blue"));
        Api.Response wrongType = api.post("/api/v1/keys", Map.of("name", unique(), "generator", Map.of("bytes", "x")));
        Api.Response broken = api.post("/api/v1/keys", "{\"name\": ");

        assertThat(unknown.status()).isEqualTo(400);
        assertThat(fields(unknown.json())).contains("colour");
        assertThat(wrongType.status()).isEqualTo(400);
        assertThat(fields(wrongType.json())).contains("generator.bytes");
        assertThat(broken.status()).isEqualTo(400);
        assertThat(broken.json()).containsEntry("type", "urn:keyrotator:problem:validation");
    }

    @Test
    void duplicateJsonFieldsAndOversizedBodiesAreRefused() {
        Api.Response duplicate = api.post("/api/v1/keys", "{\"name\": \"" + unique() + "\", \"name\": \"other\"}");
        Api.Response huge =
                api.post("/api/v1/keys", Map.of("name", unique(), "labels", Map.of("x", "y".repeat(70_000))));

        assertThat(duplicate.status()).isEqualTo(400);
        assertThat(duplicate.json()).containsEntry("type", "urn:keyrotator:problem:validation");
        assertThat(huge.status()).isEqualTo(413);
        assertThat(huge.json()).containsEntry("type", "urn:keyrotator:problem:payload-too-large");
    }

    @Test
    void malformedRequestsFoundByFuzzingAre4xxNot500() {
        String name = register();

        Api.Response emptyParameterName = api.send("DELETE", "/api/v1/keys/" + name + "?purge=false&=null", null);
        Api.Response multipartWithoutBoundary =
                api.send("POST", "/api/v1/keys", "x", "Content-Type", "multipart/form-data");
        Api.Response unknownMethod = api.send("QUERY", "/api/v1/keys", null);

        assertThat(emptyParameterName.status()).isEqualTo(400);
        assertThat(emptyParameterName.json()).containsEntry("type", "urn:keyrotator:problem:validation");
        assertThat(multipartWithoutBoundary.status()).isEqualTo(400);
        assertThat(unknownMethod.status()).isEqualTo(405);
        assertThat(unknownMethod.json()).containsEntry("type", "urn:keyrotator:problem:method-not-allowed");
    }

    @Test
    void duplicatesAreConflictsWithTheirOwnTypes() {
        String name = register();
        Api.Response sameName = api.post("/api/v1/keys", Map.of("name", name));
        Api.Response samePath = api.post("/api/v1/keys", Map.of("name", unique(), "vaultPath", "api-keys/" + name));

        assertThat(sameName.json())
                .containsEntry("status", 409)
                .containsEntry("type", "urn:keyrotator:problem:key-exists");
        assertThat(samePath.json()).containsEntry("type", "urn:keyrotator:problem:vault-path-taken");
    }

    @Test
    void unknownKeysAre404() {
        assertThat(api.get("/api/v1/keys/nope-" + unique()).json())
                .containsEntry("status", 404)
                .containsEntry("type", "urn:keyrotator:problem:not-found");
        assertThat(api.post("/api/v1/keys/nope-" + unique() + "/rotations", null)
                        .status())
                .isEqualTo(404);
        assertThat(api.post("/api/v1/keys/nope-" + unique() + "/adopt", null).status())
                .isEqualTo(404);
    }

    @Test
    void adoptingAKeyThatIsNotInConflictIsRefused() {
        String name = register();

        assertThat(api.post("/api/v1/keys/" + name + "/adopt", null).json())
                .containsEntry("type", "urn:keyrotator:problem:not-in-conflict");
    }

    @Test
    void withoutATokenEverythingIs401AndWithoutTheScope403() {
        Api anonymous = api.withToken(null);
        Api wrong = api.withToken("not-a-configured-token");
        Api reader = api.withToken("reader-token");
        String name = register();

        assertThat(anonymous.get("/api/v1/keys").json()).containsEntry("type", "urn:keyrotator:problem:unauthorized");
        assertThat(wrong.get("/api/v1/keys").status()).isEqualTo(401);
        assertThat(reader.get("/api/v1/keys/" + name).status()).isEqualTo(200);
        Api.Response denied = reader.post("/api/v1/keys/" + name + "/rotations", null);
        assertThat(denied.status()).isEqualTo(403);
        assertThat(denied.json()).containsEntry("type", "urn:keyrotator:problem:forbidden");
        assertThat(reader.post("/api/v1/keys", Map.of("name", unique())).status())
                .isEqualTo(403);
        assertThat(reader.delete("/api/v1/keys/" + name).status()).isEqualTo(403);
    }

    @Test
    void listFiltersByStateAndLabelInNameOrder() {
        String team = "team-" + UUID.randomUUID().toString().substring(0, 6);
        String b = register(Map.of("labels", Map.of("team", team)), "b-");
        String a = register(Map.of("labels", Map.of("team", team)), "a-");
        api.patch("/api/v1/keys/" + b, Map.of("state", "PAUSED"));
        api.post("/api/v1/keys/" + a + "/rotations", Map.of());

        Map<String, Object> all = api.get("/api/v1/keys?label=team:" + team).json();
        Map<String, Object> paused =
                api.get("/api/v1/keys?state=PAUSED&label=team:" + team).json();

        assertThat(names(all)).containsExactly(a, b);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> items = (List<Map<String, Object>>) all.get("items");
        assertThat(items.get(0))
                .as("a page shows each key's versions as its own view does")
                .isEqualTo(api.get("/api/v1/keys/" + a).json())
                .containsEntry("currentVersion", 2)
                .containsEntry("previousVersion", 1);
        assertThat(items.get(1)).isEqualTo(api.get("/api/v1/keys/" + b).json()).containsEntry("currentVersion", 1);
        assertThat(all).containsEntry("totalItems", 2).containsEntry("page", 0).containsEntry("size", 50);
        assertThat(names(paused)).containsExactly(b);
        assertThat(api.get("/api/v1/keys?size=1000").status()).isEqualTo(400);
        assertThat(api.get("/api/v1/keys?page=2147483647").status()).isEqualTo(400);
        assertThat(api.get("/api/v1/keys?state=BROKEN").status()).isEqualTo(400);
    }

    @Test
    void patchChangesSettingsAndReschedulesFromTheLastRotation() {
        String name = register(Map.of("rotationPeriod", "P30D"), "");
        Map<String, Object> before = api.get("/api/v1/keys/" + name).json();

        Api.Response patched = api.patch(
                "/api/v1/keys/" + name,
                Map.of(
                        "rotationPeriod", "P7D",
                        "labels", Map.of("tier", "gold"),
                        "generator", Map.of("encoding", "hex")));

        assertThat(patched.status()).as(patched.body()).isEqualTo(200);
        Map<String, Object> view = patched.json();
        assertThat(view).containsEntry("rotationPeriod", "P7D");
        assertThat(map(view.get("generator"))).containsEntry("encoding", "hex").containsEntry("bytes", 32);
        assertThat(map(view.get("labels"))).containsEntry("tier", "gold");
        assertThat(Instant.parse((String) view.get("nextRotationAt")))
                .isEqualTo(Instant.parse((String) before.get("lastRotatedAt")).plus(Duration.ofDays(7)));
        assertThat(api.patch("/api/v1/keys/" + name, Map.of("name", "renamed")).status())
                .isEqualTo(400);
        assertThat(api.patch("/api/v1/keys/" + name, Map.of("state", "CONFLICT"))
                        .status())
                .isEqualTo(400);
    }

    @Test
    void deleteStopsManagingAndPurgeAlsoRemovesTheSecret() {
        String kept = register();
        String purged = register();

        assertThat(api.delete("/api/v1/keys/" + kept).status()).isEqualTo(204);
        assertThat(api.delete("/api/v1/keys/" + purged + "?purge=true").status())
                .isEqualTo(204);

        assertThat(api.get("/api/v1/keys/" + kept).status()).isEqualTo(404);
        assertThat(store.read(KvPath.of(vault.mount(), "api-keys/" + kept), SecretStore.LATEST))
                .isPresent();
        assertThat(store.metadata(KvPath.of(vault.mount(), "api-keys/" + purged)))
                .isEmpty();
    }

    @Test
    void openApiDocumentDescribesTheApiWithoutCredentials() {
        Api.Response docs = api.withToken(null).get("/v3/api-docs");

        assertThat(docs.status()).isEqualTo(200);
        assertThat(docs.body()).contains("/api/v1/keys/{name}/rotations").contains("\"Problem\"");
        assertThat(map(map(map(docs.json().get("components")).get("schemas")).get("KeyRequest")))
                .containsEntry("additionalProperties", false);
        Map<String, Object> rotations = map(map(map(docs.json().get("paths")).get("/api/v1/keys/{name}/rotations"))
                .get("post"));
        assertThat(map(rotations.get("responses")).keySet())
                .containsExactlyInAnyOrder("201", "400", "401", "403", "404", "409", "415", "422", "429", "503");
        assertThat(api.withToken(null).get("/swagger-ui/index.html").status()).isEqualTo(200);
    }

    private String register() {
        return register(Map.of(), "");
    }

    private String register(Map<String, Object> settings, String prefix) {
        String name = prefix + unique();
        Map<String, Object> body = new HashMap<>(settings);
        body.put("name", name);
        Api.Response created = api.post("/api/v1/keys", body);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return name;
    }

    private static List<Object> fields(Map<String, Object> problem) {
        return ((List<?>) problem.get("errors"))
                .stream().map(e -> (Object) ((Map<?, ?>) e).get("field")).toList();
    }

    private static List<Object> names(Map<String, Object> page) {
        return ((List<?>) page.get("items"))
                .stream().map(e -> (Object) ((Map<?, ?>) e).get("name")).toList();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        return (Map<String, Object>) value;
    }

    private static String unique() {
        return "k" + UUID.randomUUID().toString().substring(0, 8);
    }
}
