package io.keyrotator.webhooks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The deliveries one dispatcher pass has claimed and not yet recorded: at most {@code concurrency}
 * of them sending at once, each sent as soon as a sender is free, so a slow receiver holds one
 * sender and not the deliveries claimed with it. Only the dispatcher's thread calls this class.
 */
final class InFlight {

    private static final Logger log = LoggerFactory.getLogger(InFlight.class);

    private final ExecutorService senders;
    private final DeliveryAttempt attempt;
    private final Semaphore sending;
    private final Semaphore finished = new Semaphore(0);
    private final Queue<DeliveryResult> results = new ConcurrentLinkedQueue<>();
    private int outstanding;

    InFlight(ExecutorService senders, DeliveryAttempt attempt, int concurrency) {
        this.senders = senders;
        this.attempt = attempt;
        this.sending = new Semaphore(concurrency);
    }

    void submit(List<DeliveryRecords.Claimed> claimed, Map<UUID, Subscription> subscriptions) {
        for (DeliveryRecords.Claimed delivery : claimed) {
            outstanding++;
            senders.execute(() -> {
                sending.acquireUninterruptibly();
                try {
                    DeliveryResult result = attempt.deliver(delivery, subscriptions.get(delivery.subscriptionId()));
                    if (result != null) {
                        results.add(result);
                    }
                } catch (RuntimeException e) {
                    // a last resort (deliver() records its own failures): the lease runs out, it is sent again
                    log.warn("Webhook delivery failed unexpectedly: {}", e.toString());
                } finally {
                    sending.release();
                    finished.release();
                }
            });
        }
    }

    /** Claimed deliveries whose attempt has not finished. */
    int outstanding() {
        return outstanding;
    }

    /** Waits until at most {@code target} deliveries are outstanding, or for {@code atMost}. */
    void await(int target, Duration atMost) throws InterruptedException {
        long deadline = System.nanoTime() + atMost.toNanos();
        while (outstanding > target) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || !finished.tryAcquire(left, TimeUnit.NANOSECONDS)) {
                break;
            }
            outstanding--;
        }
        while (finished.tryAcquire()) {
            outstanding--;
        }
    }

    /** The results of finished attempts not taken yet, to record in one transaction. */
    List<DeliveryResult> takeResults() {
        List<DeliveryResult> taken = new ArrayList<>();
        for (DeliveryResult result; (result = results.poll()) != null; ) {
            taken.add(result);
        }
        return taken;
    }
}
