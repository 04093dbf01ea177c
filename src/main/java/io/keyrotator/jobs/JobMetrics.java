package io.keyrotator.jobs;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * {@code keyrotator_rotation_job_keys_total{outcome}} (done or failed, registered at start so the
 * first increase shows) and {@code keyrotator_rotation_job_keys_open}.
 */
@Component
class JobMetrics {

    private final Counter done;
    private final Counter failed;
    private final AtomicLong open = new AtomicLong();
    private final JobRecords records;

    JobMetrics(MeterRegistry registry, JobRecords records) {
        this.records = records;
        done = counter(registry, "done");
        failed = counter(registry, "failed");
        Gauge.builder("keyrotator.rotation.job.keys.open", open, AtomicLong::get)
                .description("Keys of running rotation jobs not rotated yet")
                .register(registry);
    }

    private static Counter counter(MeterRegistry registry, String outcome) {
        return Counter.builder("keyrotator.rotation.job.keys")
                .description("Keys of rotation jobs by the outcome they reached")
                .tag("outcome", outcome)
                .register(registry);
    }

    void reached(String outcome) {
        (outcome.equals("done") ? done : failed).increment();
    }

    /** On the gauges' timer, not on the worker's claims: a count per claim was a query per batch. */
    @Scheduled(fixedDelayString = "${keyrotator.metrics.refresh-interval:PT15S}", initialDelay = 0)
    void refresh() {
        open.set(records.open());
    }
}
