package io.keyrotator.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keyrotator.support.OpenBaoServer;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.FileSystemResource;
import org.springframework.vault.authentication.TokenAuthentication;
import org.springframework.vault.client.VaultEndpoint;
import org.springframework.vault.core.VaultTemplate;

/**
 * Vault over TLS through {@link VaultHttpClient}: a real OpenBao in {@code -dev-tls} mode, which
 * generates its own CA, is trusted through {@code spring.cloud.vault.ssl.trust-store} (PEM) and
 * refused without it, so the client verifies the server with the configured stores and nothing else.
 */
class VaultTlsIntegrationTests {

    private static final String TOKEN = "tls-root-" + UUID.randomUUID();
    private static Process bao;
    private static Path certificates;
    private static URI address;

    @BeforeAll
    static void startOpenBaoWithTls() throws IOException {
        certificates = Files.createTempDirectory("openbao-tls-");
        int port = OpenBaoServer.freePort();
        address = URI.create("https://127.0.0.1:" + port);
        bao = new ProcessBuilder(
                        OpenBaoServer.binary().toString(),
                        "server",
                        "-dev",
                        "-dev-no-store-token",
                        "-dev-tls",
                        "-dev-tls-cert-dir=" + certificates,
                        "-dev-listen-address=127.0.0.1:" + port,
                        "-dev-root-token-id=" + TOKEN)
                .redirectErrorStream(true)
                .redirectOutput(certificates.resolve("openbao.log").toFile())
                .start();
        Awaitility.await("OpenBao with TLS on port " + port)
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(200))
                .ignoreExceptions()
                .until(() -> trusted()
                        .read(KvPath.of("secret", "probe"), SecretStore.LATEST)
                        .isEmpty());
    }

    @AfterAll
    static void stop() {
        bao.destroyForcibly();
    }

    @Test
    void aServerSignedByTheConfiguredTrustStoreIsWrittenAndReadBack() {
        SecretStore store = trusted();
        KvPath path = KvPath.of("secret", "tls/" + UUID.randomUUID());

        long written = store.write(path, Map.of("api_key", "over-tls"), 0).version();

        assertThat(written).isEqualTo(1);
        assertThat(store.read(path, SecretStore.LATEST).orElseThrow().data()).containsEntry("api_key", "over-tls");
    }

    @Test
    void aServerTheTrustStoreDoesNotVouchForIsRefused() {
        SecretStore store = storeWith(new org.springframework.cloud.vault.config.VaultProperties.Ssl());

        assertThatThrownBy(() -> store.read(KvPath.of("secret", "probe"), SecretStore.LATEST))
                .isInstanceOf(SecretStoreUnavailableException.class);
    }

    private static SecretStore trusted() {
        var ssl = new org.springframework.cloud.vault.config.VaultProperties.Ssl();
        ssl.setTrustStore(new FileSystemResource(certificates.resolve("vault-ca.pem")));
        ssl.setTrustStoreType("PEM");
        return storeWith(ssl);
    }

    private static SecretStore storeWith(org.springframework.cloud.vault.config.VaultProperties.Ssl ssl) {
        var vault = new org.springframework.cloud.vault.config.VaultProperties();
        vault.setConnectionTimeout(2_000);
        vault.setReadTimeout(5_000);
        vault.setSsl(ssl);
        VaultTemplate template = new VaultTemplate(
                VaultEndpoint.from(address),
                VaultHttpClient.create(vault, 4),
                () -> new TokenAuthentication(TOKEN).login());
        return new SpringVaultSecretStore(template);
    }
}
