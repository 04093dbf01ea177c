package io.keyrotator.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyrotator.support.KeyrotatorIntegrationTest;
import io.keyrotator.support.OpenBaoExtension;
import io.keyrotator.support.TestServices;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

/**
 * schemathesis (PyPI, installed by scripts/services.sh) drives the running service from its own
 * OpenAPI document: every operation, generated and mutated requests, checking for server errors,
 * undeclared status codes and content types, and responses that break their schema. Webhook
 * receivers are pinned to loopback so a generated URL can never send traffic off the machine.
 */
@KeyrotatorIntegrationTest
@TestPropertySource(properties = "keyrotator.webhooks.allowed-hosts=127.0.0.1/32")
class ApiFuzzIntegrationTests {

    private static final Pattern CASES = Pattern.compile("(\\d+) generated, (\\d+) passed");

    @RegisterExtension
    static final OpenBaoExtension vault = new OpenBaoExtension();

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void services(DynamicPropertyRegistry registry) {
        // its own database: findings are about the API, not about other test classes' keys
        io.keyrotator.support.TestDatabase.isolated("fuzz").registerProperties(registry);
        vault.registerProperties(registry);
        // every scope, so that no operation is only ever answered with 403 (a list binds from one
        // property source: the whole token is given again)
        registry.add("keyrotator.security.api-tokens[0].name", () -> "tester");
        registry.add("keyrotator.security.api-tokens[0].sha256", () -> TestServices.TOKEN_SHA256);
        registry.add(
                "keyrotator.security.api-tokens[0].scopes",
                () -> "keys:read,keys:write,keys:rotate,keys:ack,webhooks:manage,leaks:report,scanning:verify");
    }

    @Test
    void theOpenApiDocumentHoldsUnderFuzzing() throws Exception {
        Path report = Files.createDirectories(Path.of("target", "schemathesis")).resolve("run.txt");
        Process process = new ProcessBuilder(List.of(
                        schemathesis(),
                        "run",
                        "http://127.0.0.1:" + port + "/v3/api-docs",
                        "--header",
                        "Authorization: Bearer " + TestServices.TOKEN,
                        "--checks",
                        "not_a_server_error,status_code_conformance,content_type_conformance,"
                                + "response_schema_conformance,response_headers_conformance",
                        "--max-examples",
                        "50",
                        "--seed",
                        "1",
                        "--no-color"))
                .redirectErrorStream(true)
                .redirectOutput(report.toFile())
                .start();
        // the output goes to a file, so nothing blocks on it and the timeout below can fire
        boolean finished = process.waitFor(5, TimeUnit.MINUTES);
        if (!finished) {
            process.destroyForcibly();
        }
        String output = Files.readString(report, StandardCharsets.UTF_8);
        assertThat(finished)
                .as("schemathesis finished within 5 minutes: %s", output)
                .isTrue();

        Matcher cases = CASES.matcher(output);
        assertThat(cases.find()).as(output).isTrue();
        System.out.printf("%nschemathesis: %s generated test cases, %s passed%n", cases.group(1), cases.group(2));
        assertThat(process.exitValue()).as(output).isZero();
        assertThat(Integer.parseInt(cases.group(1))).isGreaterThan(1000);
    }

    private static String schemathesis() throws IOException {
        String configured = System.getenv("KEYROTATOR_ST");
        if (configured != null && Files.isExecutable(Path.of(configured))) {
            return configured;
        }
        Path home = Path.of(System.getProperty("user.home"), ".local/share/keyrotator");
        if (Files.isDirectory(home)) {
            try (var dirs = Files.list(home)) {
                var found = dirs.map(dir -> dir.resolve("bin/st"))
                        .filter(Files::isExecutable)
                        .findFirst();
                if (found.isPresent()) {
                    return found.get().toString();
                }
            }
        }
        throw new IllegalStateException("schemathesis not found: run `scripts/services.sh up` (it installs"
                + " `pip install schemathesis==4.32.5` into ~/.local/share/keyrotator)");
    }
}
