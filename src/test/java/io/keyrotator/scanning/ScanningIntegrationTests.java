package io.keyrotator.scanning;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyrotator.rotation.protocol.KeyGenerator;
import io.keyrotator.support.Api;
import io.keyrotator.support.KeyrotatorIntegrationTest;
import io.keyrotator.support.MutableClock;
import io.keyrotator.support.OpenBaoExtension;
import io.keyrotator.support.PendingVaultSync;
import io.keyrotator.support.TestServices;
import io.keyrotator.vault.KvPath;
import io.keyrotator.vault.SecretStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

/**
 * Scanner rules from the catalogue, run by the real gitleaks (installed by scripts/services.sh with
 * go install), and trufflehog's verify endpoint.
 */
@KeyrotatorIntegrationTest
@TestPropertySource(
        properties = {
            "keyrotator.security.api-tokens[1].name=scanner",
            "keyrotator.security.api-tokens[1].sha256=" + TestServices.ACK_TOKEN_SHA256,
            "keyrotator.security.api-tokens[1].scopes=scanning:verify",
            "keyrotator.limits.callers.verify=8"
        })
class ScanningIntegrationTests {

    @RegisterExtension
    static final OpenBaoExtension vault = new OpenBaoExtension();

    @LocalServerPort
    int port;

    @Autowired
    SecretStore store;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    MutableClock clock;

    Api api;
    Api scanner;
    static int tests;

    @DynamicPropertySource
    static void services(DynamicPropertyRegistry registry) {
        TestServices.register(registry, vault);
    }

    @BeforeEach
    void clients() {
        api = new Api(port, TestServices.TOKEN);
        scanner = new Api(port, TestServices.ACK_TOKEN);
        // a new rate-limit window for every test (each test starts at real time again: TestIsolation)
        clock.advance(Duration.ofMinutes(2L * ++tests));
    }

    @Test
    void gitleaksWithTheRulesFindsOurKeysAndTheChecksumStageDropsLookAlikes(@TempDir Path dir) throws Exception {
        String checked = register("scan", "base62", true);
        String plain = register("tok", "base64url", false);
        String ourChecked = current(checked);
        String ourPlain = current(plain);
        String wrongChecksum =
                ourChecked.substring(0, ourChecked.length() - 6) + flip(ourChecked.substring(ourChecked.length() - 6));
        String tooShort = ourChecked.substring(0, ourChecked.length() - 1);
        Api.Response rules = api.get("/api/v1/scanning/rules?format=gitleaks");
        assertThat(rules.status()).as(rules.body()).isEqualTo(200);
        Files.writeString(dir.resolve("keyrotator.toml"), rules.body());
        Path code = Files.createDirectories(dir.resolve("code"));
        Files.writeString(code.resolve("ours.env"), "PAYMENTS_KEY=" + ourChecked + "\nTOKEN=\"" + ourPlain + "\"\n");
        Files.writeString(code.resolve("lookalikes.env"), "A=" + wrongChecksum + "\nB=" + tooShort + "\n");

        Path report = dir.resolve("report.json");
        run(List.of(
                gitleaks(),
                "dir",
                code.toString(),
                "--config",
                dir.resolve("keyrotator.toml").toString(),
                "--report-format",
                "json",
                "--report-path",
                report.toString(),
                "--exit-code",
                "0",
                "--no-banner"));
        String found = Files.readString(report);
        Process filtered = new ProcessBuilder("python3", "scripts/scanning/verify-checksums.py", report.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        String kept = new String(filtered.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(filtered.waitFor(30, TimeUnit.SECONDS)).isTrue();

        assertThat(found).as("gitleaks matches the shape").contains(ourChecked, ourPlain, wrongChecksum);
        assertThat(found).as("a string a character short is not the shape").doesNotContain(tooShort + "\"");
        assertThat(kept.lines().toList())
                .as("what stays after the checksum stage (rule, file:line)")
                .hasSize(2)
                .allMatch(line -> line.contains("ours.env"));
        assertThat(filtered.exitValue()).isEqualTo(1);
        assertThat(kept).doesNotContain(ourChecked, ourPlain);
    }

    @Test
    @SuppressWarnings("unchecked")
    void githubAndTrufflehogPatternsMatchOurKeysAndNameNoKey() {
        String name = register("gh", "hex", true);
        String ours = current(name);

        Api.Response github = api.get("/api/v1/scanning/rules?format=github");
        Api.Response trufflehog = api.get("/api/v1/scanning/rules?format=trufflehog");

        assertThat(github.status()).isEqualTo(200);
        Map<String, Object> pattern = github.jsonList().stream()
                .filter(p -> ((String) p.get("secretFormat")).startsWith("gh_" + "[0-9a-f]"))
                .findFirst()
                .orElseThrow();
        assertThat(Pattern.compile((String) pattern.get("secretFormat"))
                        .matcher(ours)
                        .matches())
                .isTrue();
        assertThat(pattern.get("checksum")).isNotNull();
        assertThat(trufflehog.body())
                .contains("detectors:", "keywords:", "- gh_", "/api/v1/scanning/verify")
                .doesNotContain(name, ours);
        assertThat(github.body()).doesNotContain(ours);
        Api.Response unknownFormat = api.get("/api/v1/scanning/rules?format=semgrep");
        assertThat(unknownFormat.status()).isEqualTo(400);
        assertThat(unknownFormat.body()).contains("gitleaks, github, trufflehog");
    }

    @Test
    void verifySaysWhetherACandidateIsALiveKeyOfOurs() {
        String name = register("live", "base62", true);
        String ours = current(name);
        api.post("/api/v1/keys/" + name + "/rotations", Map.of("overlap", "PT0S"));
        String retired = ours;
        String now = current(name);

        assertThat(scanner.post("/api/v1/scanning/verify", detector(now)).status())
                .isEqualTo(200);
        assertThat(scanner.post("/api/v1/scanning/verify", detector(retired)).status())
                .isEqualTo(404);
        assertThat(scanner.post("/api/v1/scanning/verify", detector("live_" + UUID.randomUUID()))
                        .status())
                .isEqualTo(404);
        assertThat(scanner.post("/api/v1/scanning/verify", Map.of()).status()).isEqualTo(400);
        assertThat(api.post("/api/v1/scanning/verify", detector(now)).status())
                .as("keys:read is not scanning:verify")
                .isEqualTo(403);
        assertThat(scanner.post("/api/v1/scanning/verify", detector(now)).body())
                .doesNotContain(now, name);
    }

    @Test
    void verifyIsRateLimitedPerCaller() {
        List<Integer> statuses = new ArrayList<>();
        Api.Response last = null;
        for (int i = 0; i < 10; i++) {
            last = scanner.post("/api/v1/scanning/verify", detector("x_" + i));
            statuses.add(last.status());
        }

        assertThat(statuses.subList(0, 8)).containsOnly(404);
        assertThat(statuses.subList(8, 10)).containsOnly(429);
        assertThat(last.header("Retry-After")).isNotBlank();
        assertThat(last.json()).containsEntry("type", "urn:keyrotator:problem:rate-limited");
    }

    private static Map<String, Object> detector(String candidate) {
        return Map.of("keyrotator-detector", Map.of("key", List.of(candidate)));
    }

    private static String flip(String checksum) {
        char first = checksum.charAt(0);
        return (first == '0' ? '1' : '0') + checksum.substring(1);
    }

    private String register(String prefix, String encoding, boolean checksum) {
        String name = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
        Api.Response created = api.post(
                "/api/v1/keys",
                Map.of(
                        "name",
                        name,
                        "generator",
                        Map.of("bytes", 24, "encoding", encoding, "prefix", prefix + "_", "checksum", checksum)));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        PendingVaultSync.awaitNone(jdbc);
        return name;
    }

    private String current(String name) {
        String value = store.read(KvPath.of(vault.mount(), "api-keys/" + name), SecretStore.LATEST)
                .orElseThrow()
                .string("api_key");
        if (value.length() > 6 && value.startsWith("scan_")) {
            assertThat(KeyGenerator.checksum(value.substring(0, value.length() - 6)))
                    .isEqualTo(value.substring(value.length() - 6));
        }
        return value;
    }

    private static String gitleaks() {
        String binary = System.getenv("KEYROTATOR_GITLEAKS");
        if (binary == null || !Files.isExecutable(Path.of(binary))) {
            throw new IllegalStateException("gitleaks not found: run `scripts/services.sh up` (it runs"
                    + " `go install github.com/zricethezav/gitleaks/v8@v8.30.1`) and the tests with scripts/test.sh");
        }
        return binary;
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue())
                .as("gitleaks: exit %d", process.exitValue())
                .isZero();
        assertThat(output).isNotNull();
    }
}
