package io.keyrotator.rotation.protocol;

import io.keyrotator.rotation.VersionsDestroyed;
import io.keyrotator.rotation.store.SyncRecords;
import io.keyrotator.vault.SecretStore;
import io.keyrotator.vault.SecretStoreUnavailableException;
import io.keyrotator.vault.VaultProperties;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionOperations;

/**
 * One batch of {@link VaultSync}'s work: per key a destroy of the versions between the watermarks
 * and a merge patch of {@code custom_metadata} (neither needs a read first), then one settling
 * transaction for the batch. A key whose work fails backs off on its own and the batch moves on.
 */
@Component
class SyncBatch {

    private static final Logger log = LoggerFactory.getLogger(SyncBatch.class);
    private static final int MOST_VERSIONS_PER_DESTROY = 1000;
    /** Rounds that leave out keys a rotation holds; the last round waits for them. */
    private static final int SKIPPING_ROUNDS = 1;

    private final SecretStore store;
    private final SyncRecords records;
    private final VaultProperties vault;
    private final ApplicationEventPublisher events;
    private final TransactionOperations transactions;

    SyncBatch(
            SecretStore store,
            SyncRecords records,
            VaultProperties vault,
            ApplicationEventPublisher events,
            TransactionOperations transactions) {
        this.store = store;
        this.records = records;
        this.vault = vault;
        this.events = events;
        this.transactions = transactions;
    }

    /**
     * @param done keys whose work was done
     * @param leftPending keys written again while their work ran: claimable now, for the next claim
     * @param vaultDown whether Vault stopped answering, which ends the batch (the rest waits out its lease)
     */
    record Outcome(int done, int leftPending, boolean vaultDown) {}

    Outcome run(List<SyncRecords.Work> batch) {
        List<SyncRecords.Work> done = new ArrayList<>(batch.size());
        boolean vaultDown = false;
        for (SyncRecords.Work work : batch) {
            try {
                apply(work);
                done.add(work);
            } catch (SecretStoreUnavailableException e) {
                records.failed(work.keyId());
                log.warn("Vault sync postponed, Vault not usable: {}", e.getMessage());
                vaultDown = true;
                break;
            } catch (RuntimeException e) {
                records.failed(work.keyId());
                log.warn("Vault sync of key id {} failed, backing off: {}", work.keyId(), e.getMessage());
            }
        }
        return new Outcome(done.size(), settle(done), vaultDown);
    }

    /**
     * Records the batch as done and announces its destroyed versions in one transaction, so the
     * leak records a destruction answers commit with it: one commit per batch, and one more for
     * keys a rotation held at that moment, waited for then. Should a transaction fail, the batch's
     * lease runs out and its work, which is idempotent, is done again.
     */
    private int settle(List<SyncRecords.Work> done) {
        List<SyncRecords.Work> rest = done;
        int leftPending = 0;
        // a key deleted meanwhile is in no round's answer: the waiting round is the last
        for (int round = 0; round <= SKIPPING_ROUNDS && !rest.isEmpty(); round++) {
            boolean skipLocked = round < SKIPPING_ROUNDS;
            List<SyncRecords.Work> batch = rest;
            SyncRecords.Settled settled = transactions.execute(status -> {
                SyncRecords.Settled recorded = records.done(batch, skipLocked);
                if (vault.destroySuperseded()) {
                    batch.stream()
                            .filter(work ->
                                    work.mustDestroy() && recorded.keyIds().contains(work.keyId()))
                            .forEach(work ->
                                    events.publishEvent(new VersionsDestroyed(work.keyId(), work.destroyBelow())));
                }
                return recorded;
            });
            if (settled == null) {
                return leftPending;
            }
            leftPending += settled.leftPending();
            rest = batch.stream()
                    .filter(work -> !settled.keyIds().contains(work.keyId()))
                    .toList();
        }
        return leftPending;
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
}
