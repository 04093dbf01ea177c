package io.keyrotator.observability;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param perKey whether per-key series are exported (switch off for very large fleets)
 * @param refreshInterval how often the gauges read from the database are refreshed; a scrape never
 *     queries the database
 */
@ConfigurationProperties("keyrotator.metrics")
record MetricsProperties(
        @DefaultValue("true") boolean perKey,
        @DefaultValue("PT15S") Duration refreshInterval) {}
