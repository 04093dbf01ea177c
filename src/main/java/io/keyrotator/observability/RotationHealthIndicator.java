package io.keyrotator.observability;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.stereotype.Component;

/**
 * The {@code rotation} health component: overdue and failing keys, and gated promotions held
 * past their timeout, for operators reading
 * {@code /actuator/health}. It stays UP (a late rotation is for alerts, not for restarting or
 * unrouting the service) and is part of neither the liveness nor the readiness group.
 */
@Component("rotationHealthIndicator")
class RotationHealthIndicator extends AbstractHealthIndicator {

    private final KeyGauges gauges;

    RotationHealthIndicator(KeyGauges gauges) {
        this.gauges = gauges;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        KeyGauges.Snapshot snapshot = gauges.snapshot();
        builder.up()
                .withDetail("overdue", snapshot.overdue())
                .withDetail("failing", snapshot.failing())
                .withDetail("overdueKeys", snapshot.overdueKeys())
                .withDetail("failingKeys", snapshot.failingKeys())
                .withDetail("tooOld", snapshot.tooOld())
                .withDetail("tooOldKeys", snapshot.tooOldKeys())
                .withDetail("promotionsHeld", snapshot.promotionsHeld())
                .withDetail("promotionsHeldKeys", snapshot.promotionsHeldKeys());
    }
}
