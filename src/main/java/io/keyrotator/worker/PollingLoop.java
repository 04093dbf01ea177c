package io.keyrotator.worker;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * One worker's loop on a virtual thread: a pass, then a sleep that a commit which made work cuts
 * short. The first pass runs at start, so work a crash left is picked up at once. A failed pass is
 * logged and tried again after the poll interval. {@link #stop} lets the pass in flight finish.
 */
public final class PollingLoop {

    private static final Logger log = LoggerFactory.getLogger(PollingLoop.class);

    /** One pass; returns how long to sleep unless woken sooner ({@link Duration#ZERO}: at once). */
    @FunctionalInterface
    public interface Pass {
        Duration run() throws InterruptedException;
    }

    private final String name;
    private final Duration pollInterval;
    private final Pass pass;
    private final Semaphore wakeUp = new Semaphore(0);
    private volatile boolean running;
    private volatile @Nullable Thread thread;

    public PollingLoop(String name, Duration pollInterval, Pass pass) {
        this.name = name;
        this.pollInterval = pollInterval;
        this.pass = pass;
    }

    /** Ends the current sleep now. */
    public void wake() {
        wakeUp.release();
    }

    /** Ends the current sleep once the current transaction commits (at once outside one). */
    public void wakeAfterCommit() {
        afterCommit(this::wake);
    }

    /** Runs {@code action} once the current transaction commits, at once outside one; never on a rollback. */
    public static void afterCommit(Runnable action) {
        if (!TransactionSynchronizationManager.isSynchronizationActive()) {
            action.run();
            return;
        }
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCommit() {
                action.run();
            }
        });
    }

    public void start() {
        running = true;
        thread = Thread.ofVirtual().name(name).start(this::loop);
    }

    /** Stops claiming: the pass in flight may finish within {@code grace}. */
    public void stop(Duration grace) {
        running = false;
        wake();
        Thread running = thread;
        if (running != null) {
            try {
                running.join(grace);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    public boolean isRunning() {
        return running;
    }

    private void loop() {
        while (running) {
            Duration sleep = pollInterval;
            try {
                sleep = pass.run();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                log.warn("{} pass failed, trying again: {}", name, e.getMessage());
            }
            try {
                if (running && sleep.isPositive()) {
                    wakeUp.tryAcquire(sleep.toMillis(), TimeUnit.MILLISECONDS);
                }
                wakeUp.drainPermits();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
