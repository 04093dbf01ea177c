package io.keyrotator.rotation;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The scheduler and the engine's limits.
 *
 * @param scheduler when and how much the scheduler rotates
 * @param limits waits and leases of the engine
 */
@Validated
@ConfigurationProperties("keyrotator")
public record RotationProperties(
        @DefaultValue Scheduler scheduler, @DefaultValue Limits limits) {

    /**
     * @param pollInterval how often the scheduler looks for due keys
     * @param batchSize how many due keys one batch claims
     * @param concurrency how many rotations run at once
     * @param jitter a random delay up to this long added to each scheduled rotation time
     * @param retryBackoffInitial the wait before retrying a key whose rotation failed
     * @param retryBackoffMax the longest such wait (it doubles per consecutive failure)
     */
    public record Scheduler(
            @DefaultValue("PT10S") Duration pollInterval,
            @DefaultValue("100") int batchSize,
            @DefaultValue("8") int concurrency,
            @DefaultValue("PT0S") Duration jitter,
            @DefaultValue("PT1M") Duration retryBackoffInitial,
            @DefaultValue("PT1H") Duration retryBackoffMax) {}

    /**
     * @param rotationWait how long a rotation of a key that is already rotating waits for it
     * @param minRotationPeriod the shortest rotation period a key may have
     * @param minManualInterval the shortest gap between two forced rotations of one key (PT0S: none)
     * @param intentLease how long an intent's owner has to confirm a Vault write before recovery may
     *     take it over; must exceed the Vault client's read timeout
     */
    public record Limits(
            @DefaultValue("PT10S") Duration rotationWait,
            @DefaultValue("PT1M") Duration minRotationPeriod,
            @DefaultValue("PT1M") Duration minManualInterval,
            @DefaultValue("PT1M") Duration intentLease) {}

    public Duration backoff(int failures) {
        long factor = 1L << Math.min(Math.max(failures, 0), 20);
        Duration wait = scheduler.retryBackoffInitial().multipliedBy(factor);
        return wait.compareTo(scheduler.retryBackoffMax()) > 0 ? scheduler.retryBackoffMax() : wait;
    }
}
