package io.keyrotator.jobs;

import io.keyrotator.worker.PollingLoop;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

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
    private final JobProperties properties;
    private final Clock clock;
    private final Semaphore slots;
    private final PollingLoop loop;

    JobWorker(JobRecords records, JobRotations rotations, JobProperties properties, Clock clock) {
        this.records = records;
        this.rotations = rotations;
        this.properties = properties;
        this.clock = clock;
        this.slots = new Semaphore(properties.concurrency());
        // woken by a new job or a finished rotation; a full batch claims again at once
        this.loop = new PollingLoop("rotation-jobs", properties.pollInterval(), () -> {
            int claimed = claimOnce();
            return claimed == 0 || slots.availablePermits() == 0 ? properties.pollInterval() : Duration.ZERO;
        });
    }

    /** Wakes the worker once the current transaction commits (at once outside one). */
    void wakeAfterCommit() {
        loop.wakeAfterCommit();
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
                    loop.wake();
                }
            });
        }
        return claimed.size();
    }

    @Override
    public void start() {
        loop.start();
    }

    @Override
    public void stop() {
        loop.stop(Duration.ofSeconds(5));
        try {
            // let the rotations in flight record their outcome, or their keys wait out the lease
            if (slots.tryAcquire(properties.concurrency(), 10, TimeUnit.SECONDS)) {
                slots.release(properties.concurrency());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public boolean isRunning() {
        return loop.isRunning();
    }
}
