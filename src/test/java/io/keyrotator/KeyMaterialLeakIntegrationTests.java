package io.keyrotator;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyrotator.rotation.protocol.RecordingKeyGenerator;
import io.keyrotator.support.Api;
import io.keyrotator.support.Harvest;
import io.keyrotator.support.OpenBaoServer;
import io.keyrotator.support.SuiteProgress;
import io.keyrotator.support.TestDatabase;
import io.keyrotator.support.TestIsolation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.ClassOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * Key material goes to Vault only, checked over the whole integration suite: it runs last in its
 * lane ({@link ClassOrderer} configured in junit-platform.properties), waits for the other lane to
 * finish ({@link SuiteProgress}) and looks for every secret the run came to
 * know in everything the run wrote. The secrets: every key the in-JVM service generated, every key
 * read from OpenBao while the packaged service ran ({@link Harvest}), the Vault tokens and AppRole
 * secret ids OpenBao issued (from its raw audit log), the root tokens and the per-database
 * passwords. The places: the suite's log, every packaged-service process log, every API response
 * and a dump of every database the run used.
 */
@Order(Integer.MAX_VALUE)
class KeyMaterialLeakIntegrationTests {

    private static final Set<String> SECRETS = new HashSet<>();
    private static int issuedByOpenBao;

    @BeforeAll
    static void collectWhatTheRunLearned() throws IOException, InterruptedException {
        SuiteProgress.awaitEveryClassBut(KeyMaterialLeakIntegrationTests.class, Duration.ofMinutes(40));
        try (Stream<Path> logs = Files.list(OpenBaoServer.AUDIT_LOGS)) {
            for (Path log : logs.toList()) {
                issuedByOpenBao += Harvest.fromAuditLog(log);
            }
        }
        SECRETS.addAll(RecordingKeyGenerator.generated());
        SECRETS.addAll(Harvest.keys());
        SECRETS.addAll(Harvest.secrets());
    }

    @Test
    void theRunLearnedEverySortOfSecretToLookFor() {
        assertThat(RecordingKeyGenerator.generated())
                .as("keys the in-JVM service generated: run with the other integration tests")
                .hasSizeGreaterThan(20);
        assertThat(Harvest.keys())
                .as("keys read from OpenBao while the packaged service ran (the reliability suite)")
                .hasSizeGreaterThan(100);
        assertThat(issuedByOpenBao)
                .as("tokens and secret ids issued on AppRole logins, from the audit log")
                .isPositive();
        assertThat(Harvest.secrets())
                .as("the passwords of the test databases")
                .anyMatch(secret -> secret.startsWith("pgpw_"));
    }

    @Test
    void noSecretAppearsInTheSuitesLog() throws IOException {
        Path log = Path.of("target/test-logs/suite.log");

        assertThat(Files.readString(log)).contains("Started KeyrotatorApplication");
        assertThat(Harvest.foundIn(log, SECRETS)).as("secrets in " + log).isEmpty();
        assertThat(Files.readString(log))
                .as("webhook signing secrets in the logs")
                .doesNotContain("whsec_");
    }

    @Test
    void noSecretAppearsInAnyProcessLog() throws IOException {
        List<Path> logs;
        try (Stream<Path> files = Files.list(Path.of("target", "processes"))) {
            logs = files.filter(file -> file.toString().endsWith(".log"))
                    .sorted()
                    .toList();
        }

        assertThat(logs).as("logs of the packaged service's processes").hasSizeGreaterThan(5);
        Map<String, Integer> leaks = new TreeMap<>();
        for (Path log : logs) {
            int found = Harvest.foundIn(log, SECRETS).size();
            if (found > 0 || Files.readString(log).contains("whsec_")) {
                leaks.put(log.getFileName().toString(), found);
            }
        }
        assertThat(leaks).as("process logs holding secrets (count per log)").isEmpty();
    }

    @Test
    void noSecretAppearsInAnyResponse() {
        List<String> responses = Api.responses();

        assertThat(responses).hasSizeGreaterThan(50);
        assertThat(Harvest.foundIn(String.join("\n", responses), SECRETS))
                .as("secrets in API responses")
                .isEmpty();
    }

    @Test
    void noSecretAppearsInAnyDatabase() throws IOException {
        Path last = Path.of("target", "test-logs", "db-dumps", "zzz-at-the-end.sql");
        TestIsolation.dump(TestDatabase.shared(), last);
        List<Path> dumps = new ArrayList<>(TestIsolation.dumps());

        assertThat(dumps)
                .as("dumps of the shared database and of every reliability stack's")
                .hasSizeGreaterThan(10);
        assertThat(String.join("\n", dumps.stream().map(this::read).toList()))
                .contains("COPY public.key_version")
                .contains("COPY public.webhook_subscription");
        for (Path dump : dumps) {
            assertThat(Harvest.foundIn(dump, SECRETS)).as("secrets in " + dump).isEmpty();
            String text = read(dump);
            assertThat(text).as("webhook signing secrets in " + dump).doesNotContain("whsec_");
            assertThat(text).as("receiver credentials in " + dump).doesNotContain("receiver-credential");
        }
    }

    private String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
