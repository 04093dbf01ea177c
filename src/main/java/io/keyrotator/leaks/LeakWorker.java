package io.keyrotator.leaks;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

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
    private final Semaphore wakeUp = new Semaphore(0);
    private volatile boolean running;
    private volatile @Nullable Thread loop;

    LeakWorker(LeakRecords records, LeakService service, LeakMetrics metrics, LeakProperties properties, Clock clock) {
        this.records = records;
        this.service = service;
        this.metrics = metrics;
        this.properties = properties;
        this.clock = clock;
    }

    /** Wakes the worker once the current transaction commits (at once outside one). */
    void wakeAfterCommit() {
        if (!TransactionSynchronizationManager.isSynchronizationActive()) {
            wakeUp.release();
            return;
        }
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCommit() {
                wakeUp.release();
            }
        });
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
        running = true;
        loop = Thread.ofVirtual().name("leak-worker").start(this::loop);
    }

    private void loop() {
        while (running) {
            try {
                runOnce();
            } catch (RuntimeException e) {
                log.warn("Leak worker pass failed, trying again: {}", e.getMessage());
            }
            try {
                wakeUp.tryAcquire(properties.pollInterval().toMillis(), TimeUnit.MILLISECONDS);
                wakeUp.drainPermits();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Override
    public void stop() {
        running = false;
        Thread thread = loop;
        if (thread != null) {
            thread.interrupt();
            try {
                thread.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
