package io.keyrotator.support;

import java.net.URI;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * Gives a test class a real Vault-API server and its own fresh KV v2 mount, so classes never see
 * each other's secrets. The server is {@code VAULT_ADDR}/{@code VAULT_TOKEN} when both are set,
 * otherwise one OpenBao dev server started for the whole test run and stopped at its end.
 *
 * <pre>
 * &#64;RegisterExtension
 * static final OpenBaoExtension vault = new OpenBaoExtension();
 * </pre>
 */
public final class OpenBaoExtension implements BeforeAllCallback, AfterAllCallback {

    private @Nullable String mount;

    /** The run-wide server: {@code VAULT_ADDR}/{@code VAULT_TOKEN}, or a dev OpenBao started once. */
    public static SharedServer server() {
        return SharedServer.INSTANCE.get();
    }

    public URI address() {
        return server().address();
    }

    public String token() {
        return server().token();
    }

    public OpenBaoAdmin admin() {
        return server().admin();
    }

    /** This test class's KV v2 mount, created on first use. */
    public synchronized String mount() {
        if (mount == null) {
            mount = admin().newKv2Mount("kv");
        }
        return mount;
    }

    /** The Spring Cloud Vault and keyrotator properties that point an application at this mount. */
    public void registerProperties(DynamicPropertyRegistry registry) {
        registry.add("spring.cloud.vault.uri", () -> address().toString());
        registry.add("spring.cloud.vault.token", this::token);
        registry.add("keyrotator.vault.mount", this::mount);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        mount();
    }

    @Override
    public synchronized void afterAll(ExtensionContext context) {
        if (mount != null) {
            admin().disableMount(mount);
            mount = null;
        }
    }

    /** Where the run-wide server comes from, decided once per JVM. */
    public record SharedServer(URI address, String token, OpenBaoAdmin admin) {

        private static final Lazy<SharedServer> INSTANCE = new Lazy<>(SharedServer::create);

        private static SharedServer create() {
            Optional<String> addr =
                    Optional.ofNullable(System.getenv("VAULT_ADDR")).filter(s -> !s.isBlank());
            Optional<String> token =
                    Optional.ofNullable(System.getenv("VAULT_TOKEN")).filter(s -> !s.isBlank());
            if (addr.isPresent() && token.isPresent()) {
                URI uri = URI.create(addr.get());
                return new SharedServer(uri, token.get(), new OpenBaoAdmin(uri, token::get));
            }
            OpenBaoServer dev = OpenBaoServer.startDev();
            Runtime.getRuntime().addShutdownHook(new Thread(dev::stop, "openbao-stop"));
            return new SharedServer(dev.address(), dev.rootToken(), dev.admin());
        }

        @Override
        public String toString() {
            return "SharedServer[" + address + "]";
        }
    }
}
