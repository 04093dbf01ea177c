package io.keyrotator;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyrotator.rotation.RecordingKeyGenerator;
import io.keyrotator.support.Api;
import io.keyrotator.support.TestDatabase;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.ClassOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * Invariant 6, checked over the whole integration suite: it runs last ({@link ClassOrderer}
 * configured in junit-platform.properties) and looks for every key the suite generated in every
 * log line, every API response and a dump of the database.
 */
@Order(Integer.MAX_VALUE)
class KeyMaterialLeakIntegrationTests {

    private final List<String> keys = RecordingKeyGenerator.generated();

    @Test
    void theSuiteGeneratedKeysToLookFor() {
        assertThat(keys)
                .as("run with the other integration tests: they generate the keys")
                .hasSizeGreaterThan(20);
    }

    @Test
    void noKeyAppearsInAnyLogLine() throws IOException {
        String logs = Files.readString(Path.of("target/test-logs/suite.log"), StandardCharsets.UTF_8);

        assertThat(logs).contains("Started KeyrotatorApplication");
        assertNoKeyIn("the suite's logs", logs);
        assertThat(logs).as("webhook signing secrets in the logs").doesNotContain("whsec_");
    }

    @Test
    void noKeyAppearsInAnyResponse() {
        List<String> responses = Api.responses();

        assertThat(responses).hasSizeGreaterThan(50);
        assertNoKeyIn("API responses", String.join("\n", responses));
    }

    @Test
    void noKeyAppearsInTheDatabase() throws Exception {
        TestDatabase database = TestDatabase.shared();
        ProcessBuilder pgDump = new ProcessBuilder(
                        "pg_dump",
                        "--data-only",
                        "--no-owner",
                        "--host=127.0.0.1",
                        "--username=" + database.username(),
                        database.name())
                .redirectErrorStream(true);
        pgDump.environment().put("PGPASSWORD", database.password());
        Process dump = pgDump.start();
        dump.getOutputStream().close();
        String text;
        try (var in = dump.getInputStream()) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(dump.waitFor(60, TimeUnit.SECONDS)).isTrue();

        assertThat(dump.exitValue()).as(text).isZero();
        assertThat(text).contains("COPY public.key_version").contains("COPY public.webhook_subscription");
        assertNoKeyIn("the database dump", text);
        assertThat(text).as("webhook signing secrets in the database").doesNotContain("whsec_");
        assertThat(text).as("receiver credentials in the database").doesNotContain("receiver-credential");
    }

    private void assertNoKeyIn(String where, String text) {
        for (String key : keys) {
            assertThat(text.contains(key))
                    .as("a generated key appears in " + where)
                    .isFalse();
        }
    }
}
