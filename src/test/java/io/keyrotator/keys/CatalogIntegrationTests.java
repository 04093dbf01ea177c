package io.keyrotator.keys;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyrotator.rotation.protocol.KeyCatalog;
import io.keyrotator.rotation.protocol.Registration;
import io.keyrotator.support.Api;
import io.keyrotator.support.KeyrotatorIntegrationTest;
import io.keyrotator.support.OpenBaoExtension;
import io.keyrotator.support.TestServices;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

/** {@code keyrotator.keys[]}: registered at start-up, configuration wins, replicas race safely. */
@KeyrotatorIntegrationTest
@TestPropertySource(
        properties = {
            "keyrotator.keys[0].name=catalog-payments",
            "keyrotator.keys[0].rotationPeriod=P7D",
            "keyrotator.keys[0].labels.team=payments",
            "keyrotator.keys[0].generator.encoding=base62",
            "keyrotator.keys[1].name=catalog-orders"
        })
class CatalogIntegrationTests {

    @RegisterExtension
    static final OpenBaoExtension vault = new OpenBaoExtension();

    @LocalServerPort
    int port;

    @Autowired
    CatalogReconciler reconciler;

    @Autowired
    KeyValidator validator;

    @Autowired
    Registration registration;

    @Autowired
    KeyCatalog keys;

    @Autowired
    KeyService keyService;

    Api api;

    @DynamicPropertySource
    static void services(DynamicPropertyRegistry registry) {
        TestServices.register(registry, vault);
    }

    @BeforeEach
    void client() {
        api = new Api(port, TestServices.TOKEN);
    }

    @Test
    void declaredKeysAreRegisteredAtStartup() {
        Map<String, Object> payments = api.get("/api/v1/keys/catalog-payments").json();

        assertThat(payments).containsEntry("rotationPeriod", "P7D").containsEntry("currentVersion", 1);
        assertThat(payments.get("labels")).isEqualTo(Map.of("team", "payments"));
        assertThat(payments.get("generator").toString()).contains("encoding=base62");
        assertThat(api.get("/api/v1/keys/catalog-orders").json()).containsEntry("rotationPeriod", "P30D");
    }

    @Test
    void configurationWinsForTheFieldsItSetsAndKeepsTheOthers() {
        api.patch("/api/v1/keys/catalog-payments", Map.of("rotationPeriod", "P14D", "overlap", "PT2H"));

        reconciler.reconcile(reconciler.validated());

        assertThat(api.get("/api/v1/keys/catalog-payments").json())
                .containsEntry("rotationPeriod", "P7D")
                .containsEntry("overlap", "PT2H");
    }

    @Test
    void replicasStartingTogetherRegisterEachKeyOnce() throws Exception {
        api.delete("/api/v1/keys/catalog-orders?purge=true");
        List<Future<Boolean>> replicas;
        try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
            replicas = IntStream.range(0, 4)
                    .mapToObj(i -> pool.submit(() -> reconciler.reconcile(reconciler.validated())))
                    .toList();
        }

        for (Future<Boolean> replica : replicas) {
            assertThat(replica.get()).isTrue();
        }
        assertThat(api.get("/api/v1/keys/catalog-orders").json())
                .containsEntry("currentVersion", 1)
                .containsEntry("state", "ACTIVE");
        assertThat(api.get("/api/v1/keys/catalog-orders/versions")
                        .json()
                        .get("items")
                        .toString())
                .doesNotContain("FAILED");
    }

    @Test
    void pruningDeletesDeclaredKeysThatLeftTheCatalogue() {
        reconciler(false, "catalog-temporary")
                .reconcile(reconciler(false, "catalog-temporary").validated());
        api.post("/api/v1/keys", Map.of("name", "registered-by-hand"));
        CatalogReconciler pruning = reconciler(true, "catalog-payments", "catalog-orders");

        pruning.reconcile(pruning.validated());

        assertThat(api.get("/api/v1/keys/catalog-temporary").status()).isEqualTo(404);
        assertThat(api.get("/api/v1/keys/catalog-payments").status()).isEqualTo(200);
        assertThat(api.get("/api/v1/keys/catalog-orders").status()).isEqualTo(200);
        assertThat(api.get("/api/v1/keys/registered-by-hand").status()).isEqualTo(200);
    }

    private CatalogReconciler reconciler(boolean prune, String... names) {
        List<KeyRequest> declared = java.util.Arrays.stream(names)
                .map(name -> new KeyRequest(name, null, null, null, null, null, null, null, null, null, null))
                .toList();
        return new CatalogReconciler(
                new CatalogProperties(declared, new CatalogProperties.Catalog(prune)),
                validator,
                registration,
                keys,
                keyService);
    }
}
