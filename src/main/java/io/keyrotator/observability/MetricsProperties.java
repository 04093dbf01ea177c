package io.keyrotator.observability;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param perKey whether per-key series are exported (switch off for very large fleets)
 * @param perKeyLimit the largest fleet the per-key gauges are exported for: above it they are
 *     dropped (each key costs four series, about 400 bytes of every scrape), and the counts by state
 *     and the overdue count stay
 * @param refreshInterval how often the gauges read from the database are refreshed; a scrape never
 *     queries the database
 */
@ConfigurationProperties("keyrotator.metrics")
record MetricsProperties(
        @DefaultValue("true") boolean perKey,
        @DefaultValue("1000") int perKeyLimit,
        @DefaultValue("PT15S") Duration refreshInterval) {}
