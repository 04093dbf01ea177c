package io.keyrotator.rotation.schedule;

import io.keyrotator.rotation.protocol.Idempotency;
import net.javacrumbs.shedlock.spring.annotation.SchedulerLock;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/** Expires Idempotency-Key records hourly, on one replica at a time. */
@Component
class IdempotencyRetention {

    private final Idempotency idempotency;

    IdempotencyRetention(Idempotency idempotency) {
        this.idempotency = idempotency;
    }

    @Scheduled(fixedDelayString = "PT1H", initialDelayString = "PT1M")
    @SchedulerLock(name = "keyrotator-idempotency-retention", lockAtMostFor = SchedulingConfiguration.LOCK_AT_MOST_FOR)
    public void expire() {
        idempotency.expire();
    }
}
