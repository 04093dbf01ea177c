package io.keyrotator.jobs;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Rotates the open keys of running jobs, {@code keyrotator.jobs.concurrency} at a time on each
 * replica. A key is claimed with {@code FOR UPDATE SKIP LOCKED} and a lease, so replicas share a job
 * and a key whose replica died is taken over once its lease runs out.
 */
@Component
class JobWorker implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(JobWorker.class);

    private final JobRecords records;
    private final JobRotations rotations;
    private final JobMetrics metrics;
    private final JobProperties properties;
    private final Clock clock;
    private final Semaphore wakeUp = new Semaphore(0);
    private final Semaphore slots;
    private volatile boolean running;
    private volatile @Nullable Thread loop;

    JobWorker(JobRecords records, JobRotations rotations, JobMetrics metrics, JobProperties properties, Clock clock) {
        this.records = records;
        this.rotations = rotations;
        this.metrics = metrics;
        this.properties = properties;
        this.clock = clock;
        this.slots = new Semaphore(properties.concurrency());
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

    /** Claims as many due keys as there are free slots and starts their rotations; returns how many. */
    int claimOnce() throws InterruptedException {
        int free = slots.availablePermits();
        if (free == 0) {
            return 0;
        }
        List<JobRecords.Claimed> claimed = records.claim(free, properties.lease(), clock.instant());
        for (JobRecords.Claimed key : claimed) {
            slots.acquire();
            Thread.ofVirtual().name("rotation-job").start(() -> {
                try {
                    rotations.rotate(key);
                } catch (RuntimeException e) {
                    // the key's lease runs out and it is taken again
                    log.warn("Rotation job key {} failed to record: {}", key.keyName(), e.getMessage());
                } finally {
                    slots.release();
                    wakeUp.release();
                }
            });
        }
        metrics.open(records.open());
        return claimed.size();
    }

    @Override
    public void start() {
        running = true;
        loop = Thread.ofVirtual().name("rotation-jobs").start(this::loop);
    }

    private void loop() {
        while (running) {
            int claimed = 0;
            try {
                claimed = claimOnce();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                log.warn("Rotation job pass failed, trying again: {}", e.getMessage());
            }
            try {
                // woken by a new job or a finished rotation; a full batch claims again at once
                if (claimed == 0 || slots.availablePermits() == 0) {
                    wakeUp.tryAcquire(properties.pollInterval().toMillis(), TimeUnit.MILLISECONDS);
                }
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
                // let the rotations in flight record their outcome, or their keys wait out the lease
                if (slots.tryAcquire(properties.concurrency(), 10, TimeUnit.SECONDS)) {
                    slots.release(properties.concurrency());
                }
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
