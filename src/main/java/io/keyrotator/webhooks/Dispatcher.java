package io.keyrotator.webhooks;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Delivers the outbox. Woken right after a commit that wrote an event, otherwise it polls. Each
 * pass fans new events out into deliveries, then claims due deliveries in batches (SKIP LOCKED plus
 * a lease, so replicas never send the same attempt at once) and sends them with bounded
 * concurrency through {@link DeliveryAttempt}.
 */
@Component
class Dispatcher implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);
    private static final int BATCH = 100;

    private final DispatchSteps steps;
    private final DeliveryAttempt attempt;
    private final WebhookMetrics metrics;
    private final WebhookProperties properties;
    private final Semaphore wakeUp = new Semaphore(0);
    private final ExecutorService senders = Executors.newVirtualThreadPerTaskExecutor();
    private final java.time.Clock clock;
    private volatile boolean running;
    /** Set by stop(): a dispatcher that was never started (tests drive runOnce) still drains. */
    private volatile boolean stopped;

    private volatile Thread loop;
    private volatile long waitMillis;

    Dispatcher(
            DispatchSteps steps,
            DeliveryAttempt attempt,
            WebhookMetrics metrics,
            WebhookProperties properties,
            java.time.Clock clock) {
        this.clock = clock;
        this.waitMillis = properties.pollInterval().toMillis();
        this.steps = steps;
        this.attempt = attempt;
        this.metrics = metrics;
        this.properties = properties;
    }

    /** Called after a commit that wrote an outbox event. */
    void wake() {
        wakeUp.release();
    }

    @Override
    public void start() {
        running = true;
        stopped = false;
        loop = Thread.ofVirtual().name("webhook-dispatcher").start(this::loop);
    }

    @Override
    public void stop() {
        running = false;
        stopped = true;
        wakeUp.release();
        try {
            loop.join(properties.timeout().toMillis() + 1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** One pass over everything due now; returns how many attempts were made. */
    int runOnce() {
        steps.fanOut(BATCH);
        int attempts = 0;
        while (!stopped) {
            List<DeliveryRecords.Claimed> claimed =
                    steps.claim(BATCH, properties.timeout().plusSeconds(30));
            if (claimed.isEmpty()) {
                break;
            }
            sendAll(claimed);
            attempts += claimed.size();
        }
        metrics.pending(steps.pending());
        long poll = properties.pollInterval().toMillis();
        waitMillis = steps.nextDue()
                .map(due -> Math.max(
                        0,
                        Math.min(
                                poll,
                                java.time.Duration.between(clock.instant(), due).toMillis())))
                .orElse(poll);
        return attempts;
    }

    private void loop() {
        while (running) {
            try {
                // woken by a commit, or when the earliest retry falls due, or at the poll interval
                wakeUp.tryAcquire(waitMillis, TimeUnit.MILLISECONDS);
                wakeUp.drainPermits();
                if (running) {
                    runOnce();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                log.warn("Webhook dispatch pass failed: {}", e.getMessage());
            }
        }
    }

    private void sendAll(List<DeliveryRecords.Claimed> claimed) {
        Semaphore permits = new Semaphore(properties.concurrency());
        var futures = claimed.stream()
                .map(delivery -> senders.submit(() -> {
                    permits.acquireUninterruptibly();
                    try {
                        attempt.deliver(delivery);
                    } finally {
                        permits.release();
                    }
                }))
                .toList();
        for (var future : futures) {
            try {
                future.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (java.util.concurrent.ExecutionException e) {
                log.warn("Webhook delivery failed unexpectedly", e.getCause());
            }
        }
    }
}
