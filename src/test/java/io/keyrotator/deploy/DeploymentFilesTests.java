package io.keyrotator.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.json.JsonMapper;

/**
 * The Dockerfile and docker-compose.yml checked for what would break a user. The image itself is built
 * and run by scripts/image.sh, which .ci/run runs after the test command.
 */
class DeploymentFilesTests {

    private final Map<String, Object> compose = load(Path.of("docker-compose.yml"));

    @Test
    void everyEnvironmentVariableIsOneSpringBinds() throws Exception {
        Set<String> properties = knownProperties();
        List<String> variables =
                new java.util.ArrayList<>(environment("keyrotator").keySet());
        for (Map<String, Object> manifest : HelmChartTests.render(true)) {
            if ("Deployment".equals(manifest.get("kind"))) {
                Map<String, Object> pod = HelmChartTests.at(manifest, "spec", "template", "spec");
                for (Object env :
                        (List<?>) HelmChartTests.first(pod.get("containers")).get("env")) {
                    variables.add((String) ((Map<?, ?>) env).get("name"));
                }
            }
        }

        assertThat(variables).isNotEmpty();
        for (String variable : variables) {
            if (variable.startsWith("SPRING_") || variable.startsWith("KEYROTATOR_")) {
                assertThat(binds(variable, properties))
                        .as(variable + " binds to a known property")
                        .isTrue();
            }
        }
    }

    @Test
    void portsMatchTheApplication() throws Exception {
        String dockerfile = Files.readString(Path.of("Dockerfile"));

        assertThat(dockerfile).contains("EXPOSE 8080 8081");
        assertThat(service("keyrotator").get("ports").toString())
                .contains("8080:8080")
                .contains("8081:8081");
        String application = Files.readString(Path.of("src/main/resources/application.yml"));
        assertThat(application).contains("port: 8080").contains("port: 8081");
        assertThat(Files.readString(Path.of("deploy/prometheus/prometheus.yml")))
                .contains("keyrotator:8081")
                .contains("/actuator/prometheus");
    }

    /**
     * The bases are build arguments, so a registry mirror or a stand-in can be used; the image is
     * built and run for real by scripts/image.sh. The AOT cache is recorded on the runtime stage's
     * own JVM (any other refuses it).
     */
    @Test
    void theBaseImagesAreArgumentsDefaultingToTemurin25() throws Exception {
        String dockerfile = Files.readString(Path.of("Dockerfile"));
        String runtime = dockerfile.substring(dockerfile.lastIndexOf("FROM "));

        assertThat(dockerfile)
                .contains("ARG BUILD_IMAGE=eclipse-temurin:25-jdk\n")
                .contains("ARG RUNTIME_IMAGE=eclipse-temurin:25-jre\n")
                .contains("FROM ${BUILD_IMAGE} AS build");
        assertThat(runtime).startsWith("FROM ${RUNTIME_IMAGE}").contains("-XX:AOTCacheOutput=keyrotator.aot");
    }

    @Test
    void composeStartsInOrderAndSharesTheChartsRulesAndDashboard() throws Exception {
        assertThat(service("keyrotator").get("depends_on").toString())
                .contains("postgres={condition=service_healthy}")
                .contains("vault-init={condition=service_completed_successfully}");
        assertThat(service("vault-init").get("depends_on").toString()).contains("condition=service_healthy");
        assertThat(service("prometheus").get("volumes").toString())
                .contains("./helm/keyrotator/files/prometheus/keyrotator-rules.yaml:/etc/prometheus/rules/");
        assertThat(service("grafana").get("volumes").toString())
                .contains("./helm/keyrotator/files/grafana/keyrotator-dashboard.json:/var/lib/grafana/dashboards/");
        assertThat(Files.readString(Path.of("deploy/prometheus/prometheus.yml")))
                .contains("/etc/prometheus/rules/keyrotator-rules.yaml");
        assertThat(environment("keyrotator")).containsEntry("SPRING_CLOUD_VAULT_AUTHENTICATION", "APPROLE");
        assertThat(Files.readString(Path.of("deploy/vault/keyrotator-policy.hcl")))
                .contains("secret/data/api-keys/*")
                .doesNotContain("\"*\"");
    }

    @Test
    void dockerComposeAcceptsTheFile() throws Exception {
        Process process;
        try {
            process = new ProcessBuilder("docker-compose", "-f", "docker-compose.yml", "config", "--quiet")
                    .redirectErrorStream(true)
                    .start();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(
                    "docker-compose not found: run `scripts/services.sh up`"
                            + " (or `apt-get install -y docker-compose`)",
                    e);
        }
        String output = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
    }

    /** Spring's relaxed binding: SPRING_CLOUD_VAULT_APPROLE_ROLEID is spring.cloud.vault.app-role.role-id. */
    private static boolean binds(String variable, Set<String> properties) {
        StringBuilder canonical = new StringBuilder();
        for (String part : variable.toLowerCase(Locale.ROOT).split("_")) {
            if (!part.matches("\\d+")) {
                canonical.append(canonical.isEmpty() ? "" : ".").append(part);
            }
        }
        String name = canonical.toString();
        return properties.contains(name) || properties.stream().anyMatch(p -> name.startsWith(p + "."));
    }

    @SuppressWarnings("unchecked")
    private static Set<String> knownProperties() throws Exception {
        Set<String> names = new HashSet<>();
        JsonMapper json = JsonMapper.builder().build();
        for (URL url : Collections.list(DeploymentFilesTests.class
                .getClassLoader()
                .getResources("META-INF/spring-configuration-metadata.json"))) {
            try (InputStream in = url.openStream()) {
                Map<String, Object> metadata = json.readValue(in, Map.class);
                for (Map<String, Object> property : (List<Map<String, Object>>) metadata.get("properties")) {
                    names.add(((String) property.get("name")).replace("-", "").toLowerCase(Locale.ROOT));
                }
            }
        }
        assertThat(names).as("keyrotator's own metadata is generated").contains("keyrotator.security.apitokens");
        // read by Spring Boot before any configuration exists, so absent from the metadata
        names.addAll(List.of(
                "spring.config.additionallocation",
                "spring.config.location",
                "spring.config.import",
                "spring.profiles.active"));
        return names;
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> service(String name) {
        return (Map<String, Object>) ((Map<String, Object>) compose.get("services")).get(name);
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> environment(String service) {
        return (Map<String, Object>) service(service).get("environment");
    }

    private static Map<String, Object> load(Path path) {
        try {
            return new Yaml().load(Files.readString(path));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
