package io.keyrotator;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyrotator.support.OpenBaoExtension;
import io.keyrotator.support.TestDatabase;
import io.keyrotator.vault.KvPath;
import io.keyrotator.vault.SecretStore;
import io.keyrotator.vault.VaultProperties;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The whole application against real PostgreSQL and OpenBao, as an operator would probe it. */
// closed after the class: no background work of it reaches the next class's data
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "management.server.port=0")
class KeyrotatorApplicationIntegrationTests {

    @RegisterExtension
    static final OpenBaoExtension vault = new OpenBaoExtension();

    private final HttpClient http = HttpClient.newHttpClient();

    @LocalServerPort
    int port;

    @LocalManagementPort
    int managementPort;

    @Autowired
    SecretStore secretStore;

    @Autowired
    VaultProperties vaultProperties;

    @Autowired
    JdbcTemplate jdbc;

    @DynamicPropertySource
    static void services(DynamicPropertyRegistry registry) {
        TestDatabase.shared().registerProperties(registry);
        vault.registerProperties(registry);
    }

    @Test
    void healthIsUpWithDatabaseAndVaultDetailsOnTheManagementPort() throws Exception {
        HttpResponse<String> health = get(managementPort, "/actuator/health");

        assertThat(health.statusCode()).as(health.body()).isEqualTo(200);
        assertThat(health.body())
                .contains("\"status\":\"UP\"")
                .contains("\"db\"")
                .contains("\"vault\"");
        assertThat(health.body()).contains("\"sealed\":false").doesNotContain("discoveryComposite");
        assertThat(get(managementPort, "/actuator/health/liveness").body()).contains("\"status\":\"UP\"");
        assertThat(get(managementPort, "/actuator/health/readiness").body()).contains("\"status\":\"UP\"");
    }

    @Test
    void prometheusAndInfoAreExposedWithoutCredentials() throws Exception {
        HttpResponse<String> prometheus = get(managementPort, "/actuator/prometheus");
        HttpResponse<String> info = get(managementPort, "/actuator/info");

        assertThat(prometheus.statusCode()).isEqualTo(200);
        assertThat(prometheus.body()).contains("jvm_memory_used_bytes");
        assertThat(info.statusCode()).isEqualTo(200);
        assertThat(info.body()).contains("\"build\"").contains("\"artifact\":\"keyrotator\"");
    }

    @Test
    void noOtherActuatorEndpointIsReachableOnEitherPort() throws Exception {
        for (String endpoint : new String[] {"env", "beans", "configprops", "heapdump", "threaddump", "loggers"}) {
            assertThat(get(managementPort, "/actuator/" + endpoint).statusCode())
                    .as(endpoint)
                    .isEqualTo(404);
            assertThat(get(port, "/actuator/" + endpoint).statusCode())
                    .as(endpoint)
                    .isEqualTo(404);
        }
    }

    @Test
    void apiWithoutCredentialsAnswers401AsProblemJson() throws Exception {
        HttpResponse<String> response = get(port, "/api/v1/keys");

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(response.headers().firstValue("WWW-Authenticate"))
                .hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
        assertThat(response.body()).contains("urn:keyrotator:problem:unauthorized");
        assertThat(response.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(response.headers().firstValue("X-Frame-Options")).hasValue("DENY");
        assertThat(response.headers().firstValue("Cache-Control"))
                .hasValueSatisfying(v -> assertThat(v).contains("no-store"));
        assertThat(response.headers().firstValue("Set-Cookie")).isEmpty();
    }

    @Test
    void flywayCreatedTheShedLockTable() {
        Integer tables = jdbc.queryForObject(
                "SELECT count(*) FROM information_schema.tables WHERE table_name = 'shedlock'", Integer.class);

        assertThat(tables).isEqualTo(1);
    }

    @Test
    void secretStoreWritesThroughTheApplicationsVaultConnection() {
        KvPath path = KvPath.of(vaultProperties.mount(), vaultProperties.pathPrefix() + "/smoke");

        assertThat(secretStore.write(path, Map.of("api_key", "smoke"), 0).version())
                .isEqualTo(1);
        assertThat(secretStore.read(path, SecretStore.LATEST)).isPresent();
    }

    private HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
