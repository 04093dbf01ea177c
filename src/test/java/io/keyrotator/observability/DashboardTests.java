package io.keyrotator.observability;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** The Grafana dashboard is valid JSON with what provisioning needs, on a datasource variable. */
class DashboardTests {

    static final Path DASHBOARD = Path.of("helm/keyrotator/files/grafana/keyrotator-dashboard.json");
    private static final Pattern METRIC = Pattern.compile("keyrotator_[a-z_]+");

    @Test
    @SuppressWarnings("unchecked")
    void dashboardHasWhatGrafanaProvisioningNeeds() throws Exception {
        Map<String, Object> dashboard = JsonMapper.builder().build().readValue(Files.readString(DASHBOARD), Map.class);

        assertThat(dashboard).containsKeys("uid", "title", "panels", "schemaVersion", "templating");
        assertThat(dashboard.get("uid")).isEqualTo("keyrotator");
        List<Map<String, Object>> variables =
                (List<Map<String, Object>>) ((Map<String, Object>) dashboard.get("templating")).get("list");
        assertThat(variables)
                .anySatisfy(v -> assertThat(v)
                        .containsEntry("type", "datasource")
                        .containsEntry("name", "datasource")
                        .containsEntry("query", "prometheus"));
        List<Map<String, Object>> panels = (List<Map<String, Object>>) dashboard.get("panels");
        assertThat(panels).hasSizeGreaterThanOrEqualTo(12);
        for (Map<String, Object> panel : panels) {
            assertThat(panel).containsKeys("id", "type", "title", "gridPos", "targets");
            assertThat(panel.get("datasource").toString()).contains("${datasource}");
            assertThat((List<?>) panel.get("targets")).isNotEmpty();
        }
        assertThat(panels)
                .extracting(p -> p.get("title"))
                .contains(
                        "Keys by state",
                        "Overdue keys",
                        "Open overlaps",
                        "Rotation latency p50 / p99",
                        "Key age",
                        "Time to next rotation",
                        "Webhook backlog",
                        "Webhook deliveries by outcome",
                        "Dead deliveries (24h)");
    }

    /** Every keyrotator metric the dashboard or the alert rules use. */
    static Set<String> metricNamesUsed() throws Exception {
        Set<String> names = new TreeSet<>();
        for (Path file : List.of(DASHBOARD, AlertRulesTests.RULES)) {
            Matcher matcher = METRIC.matcher(Files.readString(file));
            while (matcher.find()) {
                names.add(matcher.group());
            }
        }
        return names;
    }
}
