package io.keyrotator.rotation.protocol;

import io.keyrotator.rotation.RotationProperties;
import io.keyrotator.rotation.store.SyncRecords;
import io.keyrotator.worker.PollingLoop;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * The Vault side effects of a confirmed write, done after the response: destroy the KV versions
 * that hold keys no longer valid (docs/architecture.md#invariant-3-at-most-two-valid-keys) and make
 * {@code custom_metadata} match the database ({@link SyncBatch}). The confirming transaction records
 * them as pending, so a crash cannot lose them, and takes the lease on them when none is held: its
 * work is handed to this worker on commit and done at once, with no claim, one settling commit
 * per batch. Work nobody handed over (an adoption, a write while a sync of the same key was in
 * flight, a replica that died with the lease) is claimed, in one statement, when a commit asks for
 * it, when a settle left keys pending, and once per poll interval.
 */
@Component
public class VaultSync implements SmartLifecycle {

    private static final int BATCH = 100;
    static final Duration LEASE = Duration.ofSeconds(30);

    private final SyncRecords records;
    private final SyncBatch batches;
    private final PollingLoop loop;
    private final Duration poll;
    private final Map<Long, SyncRecords.Work> handedOver = new ConcurrentHashMap<>();
    private final AtomicBoolean claimWanted = new AtomicBoolean(true);
    private volatile long lastClaimNanos;

    VaultSync(SyncRecords records, SyncBatch batches, RotationProperties properties) {
        this.records = records;
        this.batches = batches;
        this.poll = properties.scheduler().pollInterval();
        this.loop = new PollingLoop("vault-sync", poll, () -> {
            pass();
            return poll;
        });
    }

    /** Asks for a claim of pending work once the current transaction commits (at once outside one). */
    void wakeAfterCommit() {
        PollingLoop.afterCommit(() -> {
            claimWanted.set(true);
            loop.wake();
        });
    }

    /**
     * The work a confirming write leased ({@code KeyRecords#recordWrite}), done by this replica once
     * the transaction commits; of two writes of one key, the later one's.
     */
    void handOverAfterCommit(Optional<SyncRecords.Work> leased) {
        leased.ifPresent(work -> PollingLoop.afterCommit(() -> {
            handedOver.merge(work.keyId(), work, (a, b) -> a.vaultVersion() >= b.vaultVersion() ? a : b);
            loop.wake();
        }));
    }

    /** Does all pending work now, handed over or not; returns for how many keys it was done. */
    public int runOnce() {
        return doHandedOver().done() + claimAll();
    }

    private void pass() {
        SyncBatch.Outcome handed = doHandedOver();
        boolean pollDue = System.nanoTime() - lastClaimNanos >= poll.toNanos();
        if (claimWanted.getAndSet(false) || handed.leftPending() > 0 || pollDue) {
            claimAll();
        }
    }

    private SyncBatch.Outcome doHandedOver() {
        List<SyncRecords.Work> batch = new ArrayList<>();
        for (Long keyId : List.copyOf(handedOver.keySet())) {
            SyncRecords.Work work = handedOver.remove(keyId);
            if (work != null) {
                batch.add(work);
            }
        }
        return batch.isEmpty() ? new SyncBatch.Outcome(0, 0, false) : batches.run(batch);
    }

    private int claimAll() {
        lastClaimNanos = System.nanoTime();
        int synced = 0;
        while (true) {
            List<SyncRecords.Work> batch = records.claim(BATCH, LEASE);
            SyncBatch.Outcome outcome = batches.run(batch);
            synced += outcome.done();
            if (outcome.vaultDown() || (batch.size() < BATCH && outcome.leftPending() == 0)) {
                return synced;
            }
        }
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
