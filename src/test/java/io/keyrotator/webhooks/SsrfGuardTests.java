package io.keyrotator.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SsrfGuardTests {

    private static final Map<String, String> DNS = Map.of(
            "hooks.example.com", "93.184.216.34",
            "orders.internal", "10.1.2.3",
            "vault.internal", "10.9.9.9",
            "sneaky.example.com", "169.254.169.254",
            "local.example.com", "127.0.0.1");

    private final HostResolver resolver = host -> {
        String address = DNS.getOrDefault(host, host.matches("[0-9.:\\[\\]a-f]+") ? host : null);
        if (address == null) {
            throw new UnknownHostException(host);
        }
        return List.of(InetAddress.getByName(address.replace("[", "").replace("]", "")));
    };

    @Test
    void withoutAnAllowListPublicAndPrivateReceiversAreAllowed() throws Exception {
        SsrfGuard guard = guard(List.of());

        assertThat(guard.refusal(URI.create("https://hooks.example.com/k"))).isEmpty();
        assertThat(guard.refusal(URI.create("http://orders.internal:8080/actuator/refresh")))
                .isEmpty();
    }

    @Test
    void loopbackLinkLocalUnspecifiedAndOwnServicesAreRefused() throws Exception {
        SsrfGuard guard = guard(List.of());

        for (String url : List.of(
                "http://127.0.0.1/",
                "http://localhost.:1/x",
                "http://local.example.com/",
                "http://169.254.169.254/latest/meta-data",
                "http://sneaky.example.com/",
                "http://0.0.0.0/",
                "http://[::1]/",
                "http://[fd00:ec2::254]/latest/meta-data",
                "http://100.100.100.200/latest/meta-data",
                "http://vault.internal:8200/")) {
            assertThat(guard.refusal(URI.create(url))).as(url).isPresent();
        }
    }

    @Test
    void onlyHttpAndHttpsWithoutUserInfo() throws Exception {
        SsrfGuard guard = guard(List.of());

        assertThat(guard.refusal(URI.create("ftp://hooks.example.com/"))).isPresent();
        assertThat(guard.refusal(URI.create("file:///etc/passwd"))).isPresent();
        assertThat(guard.refusal(URI.create("https://user:pw@hooks.example.com/")))
                .isPresent();
        assertThat(guard.refusal(URI.create("https://unknown.example.org/"))).hasValue("the host does not resolve");
    }

    @Test
    void anAllowListAdmitsNamesWildcardsAndCidrBlocksOnly() throws Exception {
        SsrfGuard guard = guard(List.of("*.internal", "hooks.example.com", "127.0.0.1/32"));

        assertThat(guard.refusal(URI.create("http://orders.internal/"))).isEmpty();
        assertThat(guard.refusal(URI.create("https://hooks.example.com/"))).isEmpty();
        assertThat(guard.refusal(URI.create("http://127.0.0.1:9000/"))).isEmpty();
        assertThat(guard.refusal(URI.create("http://10.1.2.3/")))
                .as("an address not listed")
                .isPresent();
        assertThat(guard.refusal(URI.create("http://vault.internal/")))
                .as("own Vault, even if listed")
                .isPresent();
    }

    @Test
    void aLiteralAddressInTheAllowListAllowsThatAddressOnly() throws Exception {
        SsrfGuard guard = guard(List.of("127.0.0.1", "::1"));

        assertThat(guard.refusal(URI.create("http://127.0.0.1:9000/"))).isEmpty();
        assertThat(guard.refusal(URI.create("http://[::1]:9000/"))).isEmpty();
        assertThat(guard.refusal(URI.create("http://127.0.0.2:9000/"))).isPresent();
        assertThat(guard.refusal(URI.create("http://hooks.example.com/"))).isPresent();
    }

    @Test
    void aListedNameThatResolvesToAForbiddenAddressIsRefused() throws Exception {
        SsrfGuard guard = guard(List.of("sneaky.example.com"));

        assertThat(guard.refusal(URI.create("http://sneaky.example.com/"))).isPresent();
    }

    @Test
    void theServicesOwnVaultIsRefusedByTheAddressItResolvesToWhenChecked() throws Exception {
        SwitchableResolver dns = new SwitchableResolver();
        dns.point("vault.internal", "10.9.9.9");
        dns.point("orders.internal", "10.1.2.3");
        SsrfGuard guard = new SsrfGuard(List.of(), List.of("vault.internal"), dns);
        assertThat(guard.refusal(URI.create("http://orders.internal/"))).isEmpty();

        // Vault moved (a failover, a new node): the receiver's address is now Vault's
        dns.point("vault.internal", "10.1.2.3");

        assertThat(guard.refusal(URI.create("http://orders.internal/"))).isPresent();
        assertThatThrownBy(() -> guard.addressesToConnect("orders.internal"))
                .isInstanceOf(SsrfGuard.RefusedAddressException.class);
    }

    @Test
    void theAddressesToConnectToAreTheOnesChecked() throws Exception {
        SsrfGuard guard = guard(List.of());

        assertThat(guard.addressesToConnect("orders.internal")).containsExactly(InetAddress.getByName("10.1.2.3"));
        assertThatThrownBy(() -> guard.addressesToConnect("sneaky.example.com"))
                .isInstanceOf(SsrfGuard.RefusedAddressException.class);
    }

    private SsrfGuard guard(List<String> allowed) {
        return new SsrfGuard(allowed, List.of("vault.internal"), resolver);
    }
}
