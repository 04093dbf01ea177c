package io.keyrotator.webhooks;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.stereotype.Component;

/** The delivery meters of docs/contract.md#metrics. */
@Component
class WebhookMetrics {

    static final String DELIVERIES = "keyrotator.webhook.deliveries";
    static final String PENDING = "keyrotator.webhook.pending";
    static final String DURATION = "keyrotator.webhook.delivery.duration";

    private final Counter delivered;
    private final Counter retried;
    private final Counter dead;
    private final Counter postponed;
    private final Timer duration;
    private final AtomicLong pending = new AtomicLong();

    WebhookMetrics(MeterRegistry registry) {
        this.delivered = outcome(registry, "delivered");
        this.retried = outcome(registry, "retried");
        this.dead = outcome(registry, "dead");
        this.postponed = outcome(registry, "postponed");
        this.duration = Timer.builder(DURATION)
                .description("Time one delivery attempt took")
                .publishPercentileHistogram()
                .register(registry);
        Gauge.builder(PENDING, pending, AtomicLong::get)
                .description("Outbox deliveries not yet delivered or dead")
                .register(registry);
    }

    void attempt(Duration took, String outcome) {
        duration.record(took);
        switch (outcome) {
            case "delivered" -> delivered.increment();
            case "retried" -> retried.increment();
            case "postponed" -> postponed.increment();
            default -> dead.increment();
        }
    }

    /** Cached: set once per dispatcher pass, so a scrape costs no query. */
    void pending(long count) {
        pending.set(count);
    }

    private static Counter outcome(MeterRegistry registry, String outcome) {
        return Counter.builder(DELIVERIES)
                .description("Webhook delivery attempts by outcome")
                .tag("outcome", outcome)
                .register(registry);
    }
}
