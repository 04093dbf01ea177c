package io.keyrotator.rotation.protocol;

import io.keyrotator.rotation.ManagedKey;
import io.keyrotator.rotation.RotationProperties;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;
import org.springframework.stereotype.Component;

/** When a key is due, and when its next rotation starts. */
@Component
class Schedule {

    private final RotationProperties properties;

    Schedule(RotationProperties properties) {
        this.properties = properties;
    }

    boolean isDue(ManagedKey key, Instant now) {
        Instant due = key.nextAttemptAt() != null ? key.nextAttemptAt() : key.nextRotationAt();
        return key.state() == ManagedKey.KeyState.ACTIVE && due != null && !due.isAfter(now);
    }

    /**
     * The next rotation starts one period after {@code from}, less the publish-ahead lead (so the
     * key becomes current one period after the last one did), plus the configured jitter.
     */
    Instant next(ManagedKey key, Instant from) {
        return from.plus(key.rotationPeriod()).minus(key.publishAhead()).plus(jitter());
    }

    private Duration jitter() {
        long max = properties.scheduler().jitter().toMillis();
        return max <= 0
                ? Duration.ZERO
                : Duration.ofMillis(ThreadLocalRandom.current().nextLong(max + 1));
    }
}
