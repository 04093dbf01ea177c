package io.keyrotator.rotation.schedule;

import io.keyrotator.rotation.store.IntentRecords;
import io.keyrotator.rotation.store.KeyRecords;
import io.keyrotator.rotation.store.VersionRecords;
import io.keyrotator.rotation.store.WriteIntent;
import java.time.Clock;
import java.util.List;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/** The scheduler's queries for work, each a short transaction. */
@Component
class DueWork {

    private final KeyRecords keys;
    private final VersionRecords versions;
    private final IntentRecords intents;
    private final Clock clock;

    DueWork(KeyRecords keys, VersionRecords versions, IntentRecords intents, Clock clock) {
        this.keys = keys;
        this.versions = versions;
        this.intents = intents;
        this.clock = clock;
    }

    /**
     * Due active keys, skipping rows another transaction holds (a forced rotation's first
     * transaction, another replica); each rotation re-checks the due time under the row lock.
     */
    @Transactional
    public List<Long> dueKeys(int limit) {
        return keys.claimDue(clock.instant(), limit);
    }

    /** Keys with a NEXT version due, but none of {@code skip}: those this pass already took. */
    @Transactional(readOnly = true)
    public List<Long> duePromotions(int limit, java.util.Set<Long> skip) {
        return versions.keysWithDueNext(clock.instant(), limit, skip);
    }

    @Transactional(readOnly = true)
    public List<Long> expiredOverlaps(int limit, java.util.Set<Long> skip) {
        return versions.keysWithExpiredOverlap(clock.instant(), limit, skip);
    }

    @Transactional(readOnly = true)
    public List<WriteIntent> expiredIntents(int limit) {
        return intents.expired(limit);
    }

    @Transactional
    public void recoveryFailed(WriteIntent intent) {
        intents.recoveryFailed(intent.id());
    }
}
