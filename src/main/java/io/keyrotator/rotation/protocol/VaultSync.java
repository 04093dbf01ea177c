package io.keyrotator.rotation.protocol;

import io.keyrotator.rotation.RotationProperties;
import io.keyrotator.rotation.store.SyncRecords;
import io.keyrotator.vault.SecretStore;
import io.keyrotator.vault.SecretStoreUnavailableException;
import io.keyrotator.vault.VaultProperties;
import io.keyrotator.worker.PollingLoop;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * The Vault side effects of a confirmed write, done after the response: destroy the KV versions
 * that hold keys no longer valid (docs/architecture.md#invariant-3-at-most-two-valid-keys) and make
 * {@code custom_metadata} match the database. The confirming transaction records them as pending,
 * so a crash cannot lose them, and wakes this worker on commit. Per key it costs two Vault calls (a
 * destroy of the versions between the watermarks, a merge patch of the metadata: neither needs a
 * read first); per batch one claim and one settling transaction. A key whose work fails backs off on
 * its own and the queue moves past it.
 */
@Component
public class VaultSync implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(VaultSync.class);
    private static final int BATCH = 100;
    private static final int MOST_VERSIONS_PER_DESTROY = 1000;
    private static final Duration LEASE = Duration.ofSeconds(30);

    private final SecretStore store;
    private final SyncRecords records;
    private final VaultProperties vault;
    private final org.springframework.context.ApplicationEventPublisher events;
    private final org.springframework.transaction.support.TransactionOperations transactions;
    private final PollingLoop loop;

    VaultSync(
            SecretStore store,
            SyncRecords records,
            VaultProperties vault,
            RotationProperties properties,
            org.springframework.context.ApplicationEventPublisher events,
            org.springframework.transaction.support.TransactionOperations transactions) {
        this.store = store;
        this.records = records;
        this.vault = vault;
        this.events = events;
        this.transactions = transactions;
        Duration poll = properties.scheduler().pollInterval();
        this.loop = new PollingLoop("vault-sync", poll, () -> {
            runOnce();
            return poll;
        });
    }

    /** Wakes the worker once the current transaction commits (at once outside one). */
    void wakeAfterCommit() {
        loop.wakeAfterCommit();
    }

    /** Does all pending work now; returns for how many keys it was done. */
    public int runOnce() {
        int synced = 0;
        while (true) {
            List<SyncRecords.Work> batch = records.claim(BATCH, LEASE);
            List<SyncRecords.Work> done = new ArrayList<>(batch.size());
            try {
                for (SyncRecords.Work work : batch) {
                    try {
                        apply(work);
                        done.add(work);
                    } catch (SecretStoreUnavailableException e) {
                        // Vault is down for every key: the rest of the batch waits out its lease
                        records.failed(work.keyId());
                        log.warn("Vault sync postponed, Vault not usable: {}", e.getMessage());
                        return synced + done.size();
                    } catch (RuntimeException e) {
                        records.failed(work.keyId());
                        log.warn("Vault sync of key id {} failed, backing off: {}", work.keyId(), e.getMessage());
                    }
                }
            } finally {
                settle(done);
            }
            synced += done.size();
            if (batch.size() < BATCH) {
                return synced;
            }
        }
    }

    /**
     * Records the batch as done and announces its destroyed versions in one transaction, so the
     * leak records a destruction answers commit with it: one commit per batch. Should that
     * transaction fail, the batch's lease runs out and its work, which is idempotent, is done again.
     */
    private void settle(List<SyncRecords.Work> done) {
        if (done.isEmpty()) {
            return;
        }
        transactions.executeWithoutResult(status -> {
            records.done(done);
            if (vault.destroySuperseded()) {
                done.stream()
                        .filter(SyncRecords.Work::mustDestroy)
                        .forEach(work -> events.publishEvent(
                                new io.keyrotator.rotation.VersionsDestroyed(work.keyId(), work.destroyBelow())));
            }
        });
    }

    private void apply(SyncRecords.Work work) {
        if (work.mustDestroy() && vault.destroySuperseded()) {
            long from = Math.max(Math.max(1, work.destroyedBelow()), work.destroyBelow() - MOST_VERSIONS_PER_DESTROY);
            store.destroy(
                    work.path(),
                    LongStream.range(from, work.destroyBelow()).boxed().toList());
        }
        if (!work.metadataSynced()) {
            store.mergeCustomMetadata(work.path(), customMetadata(work));
        }
    }

    /** docs/contract.md#custom-metadata: keyrotator's entries; null removes one that no longer applies. */
    static Map<String, @Nullable String> customMetadata(SyncRecords.Work work) {
        Map<String, @Nullable String> metadata = new LinkedHashMap<>();
        metadata.put("managed-by", "keyrotator");
        metadata.put("key-version", work.currentVersion() == null ? null : Integer.toString(work.currentVersion()));
        metadata.put("fingerprint", work.fingerprint());
        metadata.put("trigger", work.trigger() == null ? null : work.trigger().id());
        metadata.put("rotated-at", work.rotatedAt() == null ? null : VaultPayloads.rfc3339(work.rotatedAt()));
        metadata.put(
                "previous-expires-at",
                work.previousValidUntil() == null ? null : VaultPayloads.rfc3339(work.previousValidUntil()));
        return metadata;
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
