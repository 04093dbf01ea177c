package io.keyrotator.consumers;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyrotator.support.Api;
import io.keyrotator.support.KeyrotatorIntegrationTest;
import io.keyrotator.support.MutableClock;
import io.keyrotator.support.OpenBaoExtension;
import io.keyrotator.support.TestServices;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

/** Consumer instances report the key version they hold; the key lists who holds what. */
@KeyrotatorIntegrationTest
@TestPropertySource(
        properties = {
            "keyrotator.security.api-tokens[1].name=orders-verifier",
            "keyrotator.security.api-tokens[1].sha256=" + TestServices.ACK_TOKEN_SHA256,
            "keyrotator.security.api-tokens[1].scopes=keys:ack",
            "keyrotator.consumers.expire-after=PT10M"
        })
class ConsumersIntegrationTests {

    @RegisterExtension
    static final OpenBaoExtension vault = new OpenBaoExtension();

    @LocalServerPort
    int port;

    @Autowired
    MutableClock clock;

    Api api;
    Api verifier;

    @DynamicPropertySource
    static void services(DynamicPropertyRegistry registry) {
        TestServices.register(registry, vault);
    }

    @BeforeEach
    void clients() {
        api = new Api(port, TestServices.TOKEN);
        verifier = new Api(port, TestServices.ACK_TOKEN);
    }

    @Test
    @SuppressWarnings("unchecked")
    void eachInstanceReportsTheVersionItHoldsAndTheKeyListsThemByConsumer() {
        api.post("/api/v1/keys", Map.of("name", "acked"));
        api.post("/api/v1/keys/acked/rotations", null);

        Api.Response first =
                verifier.put("/api/v1/keys/acked/consumers/orders/instances/orders-7d9f-1", Map.of("version", 2));
        verifier.put("/api/v1/keys/acked/consumers/orders/instances/orders-7d9f-2", Map.of("version", 1));
        verifier.put("/api/v1/keys/acked/consumers/billing/instances/10.0.3.7", Map.of("version", 2));
        // a repeat replaces the instance's report
        verifier.put("/api/v1/keys/acked/consumers/billing/instances/10.0.3.7", Map.of("version", 2));

        assertThat(first.status()).as(first.body()).isEqualTo(200);
        assertThat(first.json())
                .containsEntry("consumer", "orders")
                .containsEntry("instance", "orders-7d9f-1")
                .containsEntry("version", 2);
        List<Map<String, Object>> consumers = (List<Map<String, Object>>)
                api.get("/api/v1/keys/acked/consumers").json().get("items");
        assertThat(consumers).extracting(c -> c.get("consumer")).containsExactly("billing", "orders");
        Map<String, Object> orders = consumers.get(1);
        assertThat(orders).containsEntry("oldestVersionHeld", 1);
        assertThat((List<Map<String, Object>>) orders.get("instances"))
                .extracting(i -> i.get("instance"), i -> i.get("version"))
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("orders-7d9f-1", 2),
                        org.assertj.core.groups.Tuple.tuple("orders-7d9f-2", 1));
        assertThat((List<?>) consumers.get(0).get("instances")).hasSize(1);
    }

    @Test
    @SuppressWarnings("unchecked")
    void anInstanceNotHeardFromWithinExpireAfterDropsOut() {
        api.post("/api/v1/keys", Map.of("name", "silent"));
        verifier.put("/api/v1/keys/silent/consumers/orders/instances/gone", Map.of("version", 1));
        clock.advance(Duration.ofMinutes(11));
        verifier.put("/api/v1/keys/silent/consumers/orders/instances/alive", Map.of("version", 1));

        List<Map<String, Object>> consumers = (List<Map<String, Object>>)
                api.get("/api/v1/keys/silent/consumers").json().get("items");

        assertThat((List<Map<String, Object>>) consumers.getFirst().get("instances"))
                .extracting(i -> i.get("instance"))
                .containsExactly("alive");
    }

    @Test
    void reportsNeedTheirOwnScopeAndValidNamesAndVersions() {
        api.post("/api/v1/keys", Map.of("name", "checked"));

        assertThat(api.put("/api/v1/keys/checked/consumers/orders/instances/a", Map.of("version", 1))
                        .status())
                .as("keys:write is not keys:ack")
                .isEqualTo(403);
        assertThat(verifier.get("/api/v1/keys/checked/consumers").status())
                .as("listing needs keys:read")
                .isEqualTo(403);
        assertThat(verifier.put("/api/v1/keys/checked/consumers/orders/instances/a", Map.of("version", 9))
                        .json())
                .containsEntry("type", "urn:keyrotator:problem:validation");
        assertThat(verifier.put("/api/v1/keys/checked/consumers/Orders!/instances/a", Map.of("version", 1))
                        .status())
                .isEqualTo(400);
        assertThat(verifier.put("/api/v1/keys/checked/consumers/orders/instances/a", Map.of())
                        .status())
                .isEqualTo(400);
        assertThat(verifier.put("/api/v1/keys/nope/consumers/orders/instances/a", Map.of("version", 1))
                        .status())
                .isEqualTo(404);
        assertThat(api.get("/api/v1/keys/nope/consumers").status()).isEqualTo(404);
    }
}
