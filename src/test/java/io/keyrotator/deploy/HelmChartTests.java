package io.keyrotator.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/** Lints and renders the chart with Helm's own library (helm-java), and reads what it renders. */
class HelmChartTests {

    static final Path CHART = Path.of("helm/keyrotator");
    static final Path PRODUCTION = Path.of("src/test/resources/helm/production-values.yaml");
    /**
     * helm-java renders for Kubernetes 1.20 unless told, older than Chart.yaml's kubeVersion allows;
     * the oldest supported one it is.
     */
    static final String KUBERNETES = ChartSchemaTests.OLDEST;

    @Test
    void chartLints() {
        LintResult lint = new Helm(CHART).lint().strict().call();

        assertThat(lint.isFailed()).as(String.join("\n", lint.getMessages())).isFalse();
    }

    @Test
    void probesHitTheManagementPortAndThePodIsLockedDown() {
        Map<String, Object> deployment = only(render(false), "Deployment");
        Map<String, Object> pod = at(deployment, "spec", "template", "spec");
        Map<String, Object> container = first(pod.get("containers"));

        assertThat(at(container, "livenessProbe", "httpGet"))
                .containsEntry("path", "/actuator/health/liveness")
                .containsEntry("port", "management");
        assertThat(at(container, "readinessProbe", "httpGet"))
                .containsEntry("path", "/actuator/health/readiness")
                .containsEntry("port", "management");
        assertThat(at(pod, "securityContext"))
                .containsEntry("runAsNonRoot", true)
                .containsEntry("runAsUser", 10001);
        Map<String, Object> security = at(container, "securityContext");
        assertThat(security)
                .containsEntry("allowPrivilegeEscalation", false)
                .containsEntry("readOnlyRootFilesystem", true);
        assertThat(at(security, "capabilities").get("drop")).isEqualTo(List.of("ALL"));
        assertThat(at(deployment, "spec")).containsEntry("replicas", 2);
    }

    @Test
    void optionalObjectsAppearOnlyWhenEnabled() {
        List<String> defaults = kinds(render(false));
        List<String> production = kinds(render(true));

        assertThat(defaults)
                .contains("Deployment", "Service", "ServiceAccount", "ConfigMap", "PodDisruptionBudget")
                .as("the management port is closed to the cluster by default")
                .contains("NetworkPolicy")
                .doesNotContain("ServiceMonitor", "PrometheusRule");
        assertThat(production).contains("ServiceMonitor", "PrometheusRule", "NetworkPolicy");
        assertThat(production.stream().filter("ConfigMap"::equals)).hasSize(2);
    }

    @Test
    void productionValuesReachTheApplication() {
        List<Map<String, Object>> manifests = render(true);
        String rendered = new Yaml().dumpAll(manifests.iterator());

        Map<String, Object> config = manifests.stream()
                .filter(m -> "ConfigMap".equals(m.get("kind")) && at(m, "data").containsKey("application.yaml"))
                .findFirst()
                .orElseThrow();
        Map<String, Object> application =
                new Yaml().load((String) at(config, "data").get("application.yaml"));
        assertThat(application.toString()).contains("name=payment-gateway").contains("allowed-hosts=[*.internal]");
        assertThat(rendered)
                .contains("KEYROTATOR_SECURITY_APITOKENS_0_SHA256")
                .contains("keyrotator-tokens")
                .contains("registry.example.com/platform/keyrotator:0.1.0")
                .contains("KeyrotatorKeyOverdue")
                .contains("\"uid\": \"keyrotator\"")
                .contains("grafana_dashboard");
        assertThat(only(manifests, "Deployment").toString()).contains("replicas=3");
    }

    @Test
    void invalidValuesAreRejectedByTheSchema() {
        assertThatThrownBy(() -> new Helm(CHART)
                        .template()
                        .withKubeVersion(KUBERNETES)
                        .set("vault.authentication", "PASSWORD")
                        .call())
                .hasMessageContaining("authentication");
        assertThatThrownBy(() -> new Helm(CHART)
                        .template()
                        .withKubeVersion(KUBERNETES)
                        .set("replicaCount", 0)
                        .call())
                .hasMessageContaining("replicaCount");
        assertThatThrownBy(() -> new Helm(CHART)
                        .template()
                        .withKubeVersion(KUBERNETES)
                        .set("keys[0].name", "Not Valid")
                        .call())
                .hasMessageContaining("name");
    }

    static List<Map<String, Object>> render(boolean production) {
        var template = new Helm(CHART).template().withName("kr").withKubeVersion(KUBERNETES);
        String yaml = (production ? template.withValuesFile(PRODUCTION) : template).call();
        List<Map<String, Object>> manifests = new ArrayList<>();
        for (Object document : new Yaml().loadAll(yaml)) {
            if (document instanceof Map<?, ?> map) {
                @SuppressWarnings("unchecked")
                Map<String, Object> manifest = (Map<String, Object>) map;
                manifests.add(manifest);
            }
        }
        return manifests;
    }

    private static List<String> kinds(List<Map<String, Object>> manifests) {
        return manifests.stream().map(m -> (String) m.get("kind")).toList();
    }

    static Map<String, Object> only(List<Map<String, Object>> manifests, String kind) {
        return manifests.stream()
                .filter(m -> kind.equals(m.get("kind")))
                .findFirst()
                .orElseThrow();
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> at(Map<String, Object> map, String... path) {
        Map<String, Object> current = map;
        for (String key : path) {
            current = (Map<String, Object>) current.get(key);
        }
        return current;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> first(Object list) {
        return ((List<Map<String, Object>>) list).get(0);
    }
}
