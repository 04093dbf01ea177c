package io.keyrotator.webhooks;

import io.keyrotator.worker.PollingLoop;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.dao.DataAccessException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.TransactionException;

/**
 * Delivers the outbox. Woken right after a commit that wrote an event, otherwise it polls. Each
 * pass fans new events out into deliveries, then claims due deliveries (SKIP LOCKED plus a lease,
 * so replicas never send the same attempt at once), sends them with bounded concurrency through
 * {@link InFlight}, and records their results a batch per transaction. A crash between a send and
 * its record sends it again once the lease runs out: delivery is at least once, by webhook-id.
 */
@Component
class Dispatcher implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);
    private static final int BATCH = 100;
    private static final java.time.Duration RECORD_EVERY = java.time.Duration.ofMillis(500);

    private final DispatchSteps steps;
    private final DeliveryAttempt attempt;
    private final WebhookMetrics metrics;
    private final WebhookProperties properties;
    private final ExecutorService senders = Executors.newVirtualThreadPerTaskExecutor();
    private final java.time.Clock clock;
    private final ResultRecorder results;
    /** Set by stop(): a dispatcher that was never started (tests drive runOnce) still drains. */
    private volatile boolean stopped;

    private final PollingLoop loop;
    private volatile long waitMillis;
    private volatile @Nullable Instant backlogReadAt;
    private volatile @Nullable Instant nextDue;

    Dispatcher(
            DispatchSteps steps,
            DeliveryAttempt attempt,
            WebhookMetrics metrics,
            WebhookProperties properties,
            java.time.Clock clock) {
        this.clock = clock;
        this.waitMillis = properties.pollInterval().toMillis();
        this.steps = steps;
        this.results = new ResultRecorder(steps);
        this.attempt = attempt;
        this.metrics = metrics;
        this.properties = properties;
        // woken by a commit, or when the earliest retry falls due, or at the poll interval
        this.loop = new PollingLoop("webhook-dispatcher", properties.pollInterval(), () -> {
            runOnce();
            return java.time.Duration.ofMillis(waitMillis);
        });
    }

    /** Called after a commit that wrote an outbox event. */
    void wake() {
        loop.wake();
    }

    @Override
    public void start() {
        stopped = false;
        loop.start();
    }

    @Override
    public void stop() {
        stopped = true;
        loop.stop(properties.timeout().plusSeconds(1));
    }

    @Override
    public boolean isRunning() {
        return loop.isRunning();
    }

    /**
     * One pass over everything due now; returns how many attempts were made. Claims again whenever
     * half of what is in flight has finished, and records finished attempts in one transaction at
     * least every {@link #RECORD_EVERY}.
     */
    int runOnce() throws InterruptedException {
        results.record(List.of());
        InFlight inFlight = new InFlight(senders, attempt, properties.concurrency());
        int attempts = 0;
        boolean due = true;
        while (true) {
            due &= !stopped;
            if (due && inFlight.outstanding() <= BATCH / 2) {
                try {
                    DispatchSteps.Claim claim = steps.fanOutAndClaim(BATCH, BATCH - inFlight.outstanding(), lease());
                    List<DeliveryRecords.Claimed> claimed = claim.claimed();
                    if (claimed.isEmpty()) {
                        // a full fan-out leaves more events; an event committed from now on wakes the loop
                        due = claim.fanned() == BATCH;
                    } else {
                        inFlight.submit(claimed, steps.subscriptionsOf(claimed));
                        attempts += claimed.size();
                    }
                } catch (DataAccessException | TransactionException e) {
                    // the database went away: claim no more, but finish and record what is in flight,
                    // or each of those deliveries would be sent again once its lease ran out
                    log.warn(
                            "Claiming deliveries failed, finishing the {} in flight: {}",
                            inFlight.outstanding(),
                            e.getMessage());
                    due = false;
                }
            }
            if (!due && inFlight.outstanding() == 0) {
                break;
            }
            inFlight.await(due ? BATCH / 2 : 0, RECORD_EVERY);
            results.record(inFlight.takeResults());
        }
        Instant next = backlogAfter(attempts);
        long poll = properties.pollInterval().toMillis();
        waitMillis = next == null
                ? poll
                : Math.max(
                        0,
                        Math.min(
                                poll,
                                java.time.Duration.between(clock.instant(), next)
                                        .toMillis()));
        return attempts;
    }

    /**
     * When the earliest retry falls due. Read again (with the pending gauge) after a pass that made
     * attempts, whose results moved it, when the retry it knew of is due, and otherwise once per poll
     * interval: a pass that found nothing to send, the one each rotation's event wakes when no
     * subscription wants it, changed nothing there.
     */
    private @Nullable Instant backlogAfter(int attempts) {
        Instant now = clock.instant();
        Instant readAt = backlogReadAt;
        Instant due = nextDue;
        if (attempts > 0
                || readAt == null
                || !now.isBefore(readAt.plus(properties.pollInterval()))
                || (due != null && !due.isAfter(now))) {
            DeliveryRecords.Backlog backlog = steps.backlog();
            metrics.pending(backlog.pending());
            nextDue = backlog.nextDue();
            backlogReadAt = now;
        }
        return nextDue;
    }

    /**
     * Long enough for a claim queued behind a whole batch of attempts that all time out, plus the
     * recording: a claim must not run out while its delivery is still in flight.
     */
    private java.time.Duration lease() {
        int rounds = (BATCH + properties.concurrency() - 1) / properties.concurrency();
        return properties.timeout().multipliedBy(rounds).plusSeconds(30);
    }
}
