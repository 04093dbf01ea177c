package io.keyrotator.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The test support itself: what fault tests will rely on must work on the real binary. */
class OpenBaoServerIntegrationTests {

    @Test
    void persistentServerKeepsItsSecretsAcrossStopAndStart(@TempDir Path dataDir) {
        try (OpenBaoServer server = OpenBaoServer.startPersistent(dataDir)) {
            // a fresh KV v2 mount on raft storage upgrades itself first and refuses writes meanwhile
            org.awaitility.Awaitility.await("KV v2 at secret/ writable")
                    .atMost(java.time.Duration.ofSeconds(30))
                    .pollInterval(java.time.Duration.ofMillis(200))
                    .ignoreExceptionsMatching(
                            e -> String.valueOf(e.getMessage()).contains("Upgrading"))
                    .until(() -> server.admin()
                                    .call("POST", "secret/data/survivor", Map.of("data", Map.of("api_key", "kept")))
                            != null);

            server.stop();
            server.start();

            assertThat(server.admin().call("GET", "secret/data/survivor", null).toString())
                    .contains("api_key=kept");
        }
    }

    @Test
    void pausedServerAnswersNothingUntilResumed() {
        try (OpenBaoServer server = OpenBaoServer.startDev()) {
            server.pause();
            assertThat(server.admin().healthStatus(java.time.Duration.ofMillis(500)))
                    .isZero();

            server.resume();
            assertThat(server.admin().healthStatus(java.time.Duration.ofSeconds(5)))
                    .isEqualTo(200);
        }
    }

    @Test
    void sealedServerReportsSealedHealthUntilUnsealed() {
        try (OpenBaoServer server = OpenBaoServer.startDev()) {
            server.seal();
            assertThat(server.admin().healthStatus(java.time.Duration.ofSeconds(5)))
                    .isEqualTo(503);

            server.unseal();
            assertThat(server.admin().healthStatus(java.time.Duration.ofSeconds(5)))
                    .isEqualTo(200);
        }
    }
}
