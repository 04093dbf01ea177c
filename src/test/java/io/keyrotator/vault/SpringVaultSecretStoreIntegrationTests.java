package io.keyrotator.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keyrotator.support.OpenBaoServer;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.vault.authentication.TokenAuthentication;
import org.springframework.vault.client.VaultEndpoint;
import org.springframework.vault.core.VaultTemplate;

/**
 * The contract, against a real OpenBao server of this class's own: the seal test must not disturb
 * other classes.
 */
class SpringVaultSecretStoreIntegrationTests extends SecretStoreContractTests {

    private static OpenBaoServer server;
    private static String mount;
    private static SecretStore store;

    @BeforeAll
    static void startOpenBao() {
        server = OpenBaoServer.startDev();
        mount = server.admin().newKv2Mount("contract");
        store = storeFor(server.address(), server.rootToken());
    }

    @AfterAll
    static void stopOpenBao() {
        server.stop();
    }

    @Override
    protected SecretStore store() {
        return store;
    }

    @Override
    protected String mount() {
        return mount;
    }

    @Override
    protected SecretStore storeRestrictedTo(String prefix) {
        String policy = "limited-" + prefix.replace("/", "");
        server.admin().writePolicy(policy, """
                path "%1$s/data/%2$s*"     { capabilities = ["create", "read", "update"] }
                path "%1$s/metadata/%2$s*" { capabilities = ["create", "read", "update", "patch", "delete"] }
                path "%1$s/destroy/%2$s*"  { capabilities = ["update"] }
                """.formatted(mount, prefix));
        return storeFor(server.address(), server.admin().createToken(policy));
    }

    @Override
    protected void seal() {
        server.seal();
    }

    @Override
    protected void unseal() {
        server.unseal();
    }

    @Override
    protected void configureOutOfBand(KvPath path, int maxVersions, boolean casRequired, Duration deleteAfter) {
        server.admin()
                .call(
                        "POST",
                        path.mount() + "/metadata/" + path.path(),
                        Map.of(
                                "max_versions", maxVersions,
                                "cas_required", casRequired,
                                "delete_version_after", deleteAfter.toSeconds() + "s"));
    }

    @Test
    void unreachableVaultIsUnavailableButNotSealed() {
        SecretStore nowhere = storeFor(URI.create("http://127.0.0.1:" + OpenBaoServer.freePort()), "token");

        assertThatThrownBy(() -> nowhere.read(newPath("contract"), SecretStore.LATEST))
                .isInstanceOfSatisfying(
                        SecretStoreUnavailableException.class,
                        e -> assertThat(e.sealed()).isFalse())
                .hasMessageContaining("unreachable");
    }

    @Test
    void invalidTokenIsDenied() {
        SecretStore stranger = storeFor(server.address(), "not-a-token");

        assertThatThrownBy(() -> stranger.read(newPath("contract"), SecretStore.LATEST))
                .isInstanceOf(SecretStorePermissionDeniedException.class);
    }

    /** A store on the HTTP client the service uses ({@link VaultHttpClient}), with its default pool. */
    static SecretStore storeFor(URI address, String token) {
        var vault = new org.springframework.cloud.vault.config.VaultProperties();
        vault.setConnectionTimeout(2_000);
        vault.setReadTimeout(5_000);
        var requestFactory = VaultHttpClient.create(vault, 64);
        VaultTemplate template = new VaultTemplate(
                VaultEndpoint.from(address), requestFactory, () -> new TokenAuthentication(token).login());
        return new SpringVaultSecretStore(template);
    }
}
