package io.keyrotator.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marcnuri.helm.Helm;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * Validates every manifest the chart renders, offline, against Kubernetes' own API schemas for the
 * oldest and the newest Kubernetes the chart supports, and the Prometheus Operator objects against
 * their CRD schemas. Three renders: the defaults, production-values.yaml and
 * all-features-values.yaml (every optional object on).
 *
 * <p>kubernetes-validate (PyPI, pinned and installed by scripts/services.sh) ships the OpenAPI
 * schemas of Kubernetes 1.25 to 1.37; it runs here with {@code --strict}, which also rejects fields
 * the API does not know. It has no schema for ServiceMonitor and PrometheusRule, and for a kind it
 * has no schema for it only prints a WARN and still exits 0; the same happens for an apiVersion
 * that Kubernetes no longer serves. So a WARN fails these tests, except exactly for those two kinds,
 * which are validated instead by src/test/resources/helm/crd-schemas/validate.mjs (Node.js) against
 * the Prometheus Operator v0.90.1 CRD schemas from the npm package
 * {@code @kubernetes-models/prometheus-operator} 5.0.1, also installed by scripts/services.sh.
 *
 * <p>Each render is made for the Kubernetes version it is validated against (helm's
 * {@code --kube-version}), as helm would on that cluster.
 */
class ChartSchemaTests {

    /** The oldest Kubernetes whose schemas kubernetes-validate ships; Chart.yaml's kubeVersion. */
    static final String OLDEST = "1.25.0";
    /** The newest, kubernetes-validate's default. */
    static final String NEWEST = "1.37.0";

    static final String KUBERNETES_VALIDATE_VERSION = "1.37.0";
    static final String CRD_SCHEMAS_DIR = "prometheus-operator-crds-0.90.1";
    static final Path CRD_VALIDATOR = Path.of("src/test/resources/helm/crd-schemas/validate.mjs");
    static final Path OUT = Path.of("target", "chart-schema");
    static final Path HOME = Path.of(System.getProperty("user.home"), ".local/share/keyrotator");
    static final String INSTALL = "run `scripts/services.sh up`, which installs it into ~/.local/share/keyrotator";

    /** The only kinds kubernetes-validate may pass over: the CRD validator checks these. */
    static final Pattern CRD_KIND_WITHOUT_SCHEMA =
            Pattern.compile("WARN .* Couldn't find schema for kind (ServiceMonitor|PrometheusRule) with api version"
                    + " monitoring\\.coreos\\.com/v1 for kubernetes version .*");

    enum Variant {
        DEFAULTS(null),
        PRODUCTION(HelmChartTests.PRODUCTION),
        ALL_FEATURES(Path.of("src/test/resources/helm/all-features-values.yaml"));

        final Path values;

        Variant(Path values) {
            this.values = values;
        }
    }

    record Run(int exitCode, String output) {

        List<String> lines() {
            return output.lines().toList();
        }
    }

    private static final Map<String, Path> RENDERED = new ConcurrentHashMap<>();

    static Stream<Arguments> variantsAndVersions() {
        return Stream.of(Variant.values())
                .flatMap(variant -> Stream.of(OLDEST, NEWEST).map(version -> Arguments.of(variant, version)));
    }

    @ParameterizedTest(name = "{0} against Kubernetes {1}")
    @MethodSource("variantsAndVersions")
    void everyRenderedManifestMatchesTheKubernetesApiSchemas(Variant variant, String version) throws Exception {
        Path file = rendered(variant, version);

        Run run = kubernetesValidate(file, version);

        assertThat(failures(run)).as(run.output()).isEmpty();
        long checked = run.lines().stream()
                .filter(line -> line.startsWith("INFO ") && line.contains(" passed for resource "))
                .count();
        assertThat(checked)
                .as("every object but the Prometheus Operator ones was checked:%n%s", run.output())
                .isEqualTo(manifests(file).stream()
                        .filter(m -> !isPrometheusOperator(m))
                        .count());
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(
            value = Variant.class,
            names = {"PRODUCTION", "ALL_FEATURES"})
    void thePrometheusOperatorObjectsMatchTheirCrdSchemas(Variant variant) throws Exception {
        Path file = rendered(variant, NEWEST);

        Run run = crdValidate(file);

        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(run.output())
                .contains("passed for resource servicemonitor/kr-keyrotator")
                .contains("passed for resource prometheusrule/kr-keyrotator")
                .doesNotContain("ERROR");
    }

    @Test
    void allFeaturesValuesSwitchOnEveryOptionalObject() throws Exception {
        Map<String, Object> defaults = new Yaml().load(Files.readString(HelmChartTests.CHART.resolve("values.yaml")));
        Map<String, Object> all = new Yaml().load(Files.readString(Variant.ALL_FEATURES.values));
        List<String> flags = new ArrayList<>();
        defaults.forEach((key, value) -> {
            if (value instanceof Map<?, ?> section && section.containsKey("enabled")) {
                flags.add(key);
            }
        });

        assertThat(flags).contains("podDisruptionBudget", "serviceMonitor", "networkPolicy");
        for (String flag : flags) {
            assertThat(HelmChartTests.at(all, flag)).as(flag).containsEntry("enabled", true);
        }
        assertThat(manifests(rendered(Variant.ALL_FEATURES, NEWEST)).stream()
                        .map(m -> (String) m.get("kind"))
                        .toList())
                .contains("PodDisruptionBudget", "ServiceMonitor", "PrometheusRule", "NetworkPolicy");
    }

    @Test
    void chartYamlDeclaresTheRangeTheSchemasAreCheckedFor() throws Exception {
        Map<String, Object> chart = new Yaml().load(Files.readString(HelmChartTests.CHART.resolve("Chart.yaml")));

        assertThat(chart).containsEntry("kubeVersion", ">=" + OLDEST + "-0");
        assertThatThrownBy(() -> new Helm(HelmChartTests.CHART)
                        .template()
                        .withKubeVersion("1.24.17")
                        .call())
                .hasMessageContaining("chart requires kubeVersion: >=" + OLDEST + "-0");
        // NEWEST is the newest Kubernetes whose schemas the pinned kubernetes-validate ships
        Run help = run(List.of(kubernetesValidate(), "--help"));
        assertThat(help.output().replaceAll("\\s+", " ")).contains("Defaults to " + NEWEST);
    }

    @Test
    void aDeploymentWithTextForItsReplicasFailsValidation() throws Exception {
        Map<String, Object> deployment = HelmChartTests.only(HelmChartTests.render(true), "Deployment");
        HelmChartTests.at(deployment, "spec").put("replicas", "two");
        Path file = write("broken-replicas.yaml", deployment);

        for (String version : List.of(OLDEST, NEWEST)) {
            Run run = kubernetesValidate(file, version);

            assertThat(run.exitCode()).as(run.output()).isEqualTo(1);
            assertThat(failures(run))
                    .as(run.output())
                    .anyMatch(line -> line.contains("spec.replicas: 'two' is not of type 'integer'"));
        }
    }

    @Test
    void anUnknownFieldInTheContainerFailsStrictValidation() throws Exception {
        Map<String, Object> deployment = HelmChartTests.only(HelmChartTests.render(true), "Deployment");
        HelmChartTests.first(HelmChartTests.at(deployment, "spec", "template", "spec")
                        .get("containers"))
                .put("imagePulPolicy", "Always");
        Path file = write("broken-unknown-field.yaml", deployment);

        for (String version : List.of(OLDEST, NEWEST)) {
            Run run = kubernetesValidate(file, version);

            assertThat(run.exitCode()).as(run.output()).isEqualTo(1);
            assertThat(failures(run))
                    .as(run.output())
                    .anyMatch(line -> line.contains("'imagePulPolicy' was unexpected"));
        }
    }

    @Test
    void anApiVersionKubernetesNoLongerServesFailsValidation() throws Exception {
        Map<String, Object> budget = HelmChartTests.only(HelmChartTests.render(false), "PodDisruptionBudget");
        budget.put("apiVersion", "policy/v1beta1"); // removed in Kubernetes 1.25
        Path file = write("broken-removed-api.yaml", budget);

        Run run = kubernetesValidate(file, OLDEST);

        // kubernetes-validate itself only warns and exits 0: failures() turns that WARN into a failure
        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(failures(run))
                .as(run.output())
                .anyMatch(line -> line.contains("kind PodDisruptionBudget with api version policy/v1beta1"));
    }

    @Test
    void aServiceMonitorWithAMalformedIntervalFailsItsCrdSchema() throws Exception {
        Map<String, Object> monitor = HelmChartTests.only(HelmChartTests.render(true), "ServiceMonitor");
        HelmChartTests.first(HelmChartTests.at(monitor, "spec").get("endpoints"))
                .put("interval", "every 30 seconds");
        Path file = write("broken-servicemonitor.yaml", monitor);

        Run run = crdValidate(file);

        assertThat(run.exitCode()).as(run.output()).isEqualTo(1);
        assertThat(run.output()).contains("ERROR").contains("spec/endpoints/0/interval must match pattern");
    }

    @Test
    void aPrometheusRuleWithoutAnExpressionFailsItsCrdSchema() throws Exception {
        Map<String, Object> rule = HelmChartTests.only(HelmChartTests.render(true), "PrometheusRule");
        Map<String, Object> group =
                HelmChartTests.first(HelmChartTests.at(rule, "spec").get("groups"));
        HelmChartTests.first(group.get("rules")).remove("expr");
        Path file = write("broken-prometheusrule.yaml", rule);

        Run run = crdValidate(file);

        assertThat(run.exitCode()).as(run.output()).isEqualTo(1);
        assertThat(run.output()).contains("ERROR").contains("spec/groups/0/rules/0 must have required property");
    }

    /**
     * What makes a kubernetes-validate run fail: a non-zero exit code, every ERROR and FATAL line,
     * and every WARN line (no schema for that kind or apiVersion) but those for the two Prometheus
     * Operator kinds.
     */
    static List<String> failures(Run run) {
        List<String> failures = new ArrayList<>();
        if (run.exitCode() != 0) {
            failures.add("exit code " + run.exitCode());
        }
        run.lines().stream()
                .filter(line -> line.startsWith("ERROR")
                        || line.startsWith("FATAL")
                        || (line.startsWith("WARN")
                                && !CRD_KIND_WITHOUT_SCHEMA.matcher(line).matches()))
                .forEach(failures::add);
        return failures;
    }

    /**
     * The chart as helm renders it for that Kubernetes version, written to
     * target/chart-schema/VARIANT-VERSION.yaml (once per run).
     */
    static Path rendered(Variant variant, String version) {
        String name = variant.name().toLowerCase().replace('_', '-') + "-" + version + ".yaml";
        return RENDERED.computeIfAbsent(name, file -> {
            var template =
                    new Helm(HelmChartTests.CHART).template().withName("kr").withKubeVersion(version);
            String yaml = (variant.values == null ? template : template.withValuesFile(variant.values)).call();
            try {
                return Files.writeString(Files.createDirectories(OUT).resolve(file), yaml);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private static List<Map<String, Object>> manifests(Path file) throws IOException {
        List<Map<String, Object>> manifests = new ArrayList<>();
        for (Object document : new Yaml().loadAll(Files.readString(file))) {
            if (document instanceof Map<?, ?> map) {
                @SuppressWarnings("unchecked")
                Map<String, Object> manifest = (Map<String, Object>) map;
                manifests.add(manifest);
            }
        }
        return manifests;
    }

    private static boolean isPrometheusOperator(Map<String, Object> manifest) {
        return String.valueOf(manifest.get("apiVersion")).startsWith("monitoring.coreos.com/");
    }

    private static Path write(String name, Map<String, Object> manifest) throws IOException {
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        return Files.writeString(Files.createDirectories(OUT).resolve(name), new Yaml(options).dump(manifest));
    }

    private static Run kubernetesValidate(Path file, String version) throws Exception {
        return run(List.of(kubernetesValidate(), "--strict", "--kubernetes-version", version, file.toString()));
    }

    private static Run crdValidate(Path file) throws Exception {
        return run(List.of(node(), CRD_VALIDATOR.toString(), crdSchemas().toString(), file.toString()));
    }

    private static Run run(List<String> command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(2, TimeUnit.MINUTES))
                .as("%s finished: %s", command, output)
                .isTrue();
        return new Run(process.exitValue(), "$ " + String.join(" ", command) + "\n" + output);
    }

    private static String kubernetesValidate() {
        return Optional.ofNullable(System.getenv("KEYROTATOR_KV"))
                .map(Path::of)
                .filter(Files::isExecutable)
                .or(() -> Optional.of(HOME.resolve(
                                "kubernetes-validate-" + KUBERNETES_VALIDATE_VERSION + "/bin/kubernetes-validate"))
                        .filter(Files::isExecutable))
                .map(Path::toString)
                .orElseThrow(() -> new IllegalStateException("kubernetes-validate not found: " + INSTALL
                        + " (`pip install kubernetes-validate==" + KUBERNETES_VALIDATE_VERSION + "` in a venv)"));
    }

    private static Path crdSchemas() {
        // npm writes node_modules/.package-lock.json once an install has gone through
        return Optional.ofNullable(System.getenv("KEYROTATOR_CRDS"))
                .map(Path::of)
                .filter(dir -> Files.isRegularFile(dir.resolve("node_modules/.package-lock.json")))
                .or(() -> Optional.of(HOME.resolve(CRD_SCHEMAS_DIR))
                        .filter(dir -> Files.isRegularFile(dir.resolve("node_modules/.package-lock.json"))))
                .orElseThrow(() -> new IllegalStateException("the Prometheus Operator CRD schemas are not installed: "
                        + INSTALL + "/" + CRD_SCHEMAS_DIR
                        + " (`npm ci` on src/test/resources/helm/crd-schemas/package-lock.json)"));
    }

    private static String node() {
        return Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .map(dir -> Path.of(dir, "node"))
                .filter(Files::isExecutable)
                .findFirst()
                .map(Path::toString)
                .orElseThrow(() -> new IllegalStateException("node not found on PATH: run `scripts/services.sh up`,"
                        + " which installs Node.js and npm (`apt-get install -y nodejs npm`) when they are missing"));
    }
}
