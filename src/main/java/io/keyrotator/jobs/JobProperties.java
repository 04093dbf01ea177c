package io.keyrotator.jobs;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code keyrotator.jobs}.
 *
 * @param concurrency rotations of jobs in flight per replica; forced rotations over REST and the
 *     scheduler keep the rest of Vault's and PostgreSQL's capacity
 * @param lease how long a replica owns a key it took; longer than {@code
 *     keyrotator.limits.rotation-wait} plus a rotation, so a live owner is never doubled
 * @param pollInterval the worker's fallback poll (a new job wakes it at once)
 * @param maxAttempts failed rotations of one key before the job gives up on it
 * @param maxKeys the most keys one job may select
 */
@ConfigurationProperties("keyrotator.jobs")
record JobProperties(
        @DefaultValue("4") int concurrency,
        @DefaultValue("PT2M") Duration lease,
        @DefaultValue("PT5S") Duration pollInterval,
        @DefaultValue("5") int maxAttempts,
        @DefaultValue("100000") int maxKeys) {}
