package io.keyrotator.leaks;

import io.keyrotator.worker.PollingLoop;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Handles PENDING reports nobody is handling: those of the GitHub endpoint (which answers before
 * rotating), those whose handler crashed (its lease ran out) and those waiting out a failure. Each
 * replica runs one; a claim leases a report to one of them ({@code FOR UPDATE SKIP LOCKED}). It also
 * records when the versions that held a leaked value are destroyed.
 */
@Component
class LeakWorker implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(LeakWorker.class);
    private static final int BATCH = 16;

    private final LeakRecords records;
    private final LeakService service;
    private final LeakMetrics metrics;
    private final LeakProperties properties;
    private final Clock clock;
    private final PollingLoop loop;

    LeakWorker(LeakRecords records, LeakService service, LeakMetrics metrics, LeakProperties properties, Clock clock) {
        this.records = records;
        this.service = service;
        this.metrics = metrics;
        this.properties = properties;
        this.clock = clock;
        this.loop = new PollingLoop("leak-worker", properties.pollInterval(), () -> {
            runOnce();
            return properties.pollInterval();
        });
    }

    /** Wakes the worker once the current transaction commits (at once outside one). */
    void wakeAfterCommit() {
        loop.wakeAfterCommit();
    }

    /** Handles every report that is due now; returns how many it took. */
    int runOnce() {
        int handled = 0;
        while (true) {
            List<LeakRecords.Pending> batch = records.claim(BATCH, properties.lease(), clock.instant());
            batch.forEach(service::handle);
            handled += batch.size();
            if (batch.size() < BATCH) {
                metrics.pending(records.pending());
                return handled;
            }
        }
    }

    @EventListener
    void versionsDestroyed(io.keyrotator.rotation.VersionsDestroyed destroyed) {
        records.destroyed(destroyed.keyId(), destroyed.destroyedBelow(), clock.instant());
    }

    @Override
    public void start() {
        loop.start();
    }

    @Override
    public void stop() {
        loop.stop(Duration.ofSeconds(10));
    }

    @Override
    public boolean isRunning() {
        return loop.isRunning();
    }
}
