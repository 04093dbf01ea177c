package io.keyrotator.rotation.protocol;

import io.keyrotator.rotation.KeyVersion;
import io.keyrotator.rotation.KeyVersion.State;
import io.keyrotator.rotation.ManagedKey;
import io.keyrotator.rotation.ManagedKey.KeyState;
import io.keyrotator.rotation.RotationProperties;
import io.keyrotator.rotation.store.IntentRecords;
import io.keyrotator.rotation.store.KeyRecords;
import io.keyrotator.rotation.store.VersionRecords;
import io.keyrotator.rotation.store.WriteIntent;
import io.keyrotator.rotation.store.WriteIntent.Kind;
import java.time.Clock;
import java.time.Instant;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * The transactions that record a failed Vault write: the intent rolled back (fenced like a
 * confirmation), the attempt FAILED, the key backing off, a {@code key.rotation_failed} event.
 */
@Component
class FailureSteps {

    private final KeyRecords keys;
    private final VersionRecords versions;
    private final IntentRecords intents;
    private final Schedule schedule;
    private final RotationEvents events;
    private final RotationProperties properties;
    private final Clock clock;

    FailureSteps(
            KeyRecords keys,
            VersionRecords versions,
            IntentRecords intents,
            Schedule schedule,
            RotationEvents events,
            RotationProperties properties,
            Clock clock) {
        this.keys = keys;
        this.versions = versions;
        this.intents = intents;
        this.schedule = schedule;
        this.events = events;
        this.properties = properties;
        this.clock = clock;
    }

    /** Rolls an intent back: the write did not happen (or is not ours). */
    @Transactional
    public void abort(WriteIntent intent, String reason, String by) {
        Instant now = clock.instant();
        if (!intents.close(intent.id(), "ABORTED", reason, by)) {
            return;
        }
        ManagedKey key = keys.lock(intent.keyId());
        KeyVersion attempt = null;
        if (intent.versionId() != null && intent.kind() != Kind.PROMOTE && intent.kind() != Kind.CLOSE) {
            versions.fail(intent.versionId(), reason);
            attempt = versions.findById(intent.versionId()).orElse(null);
        }
        keys.recordFailure(key.id(), reason, now, now.plus(properties.backoff(key.failureCount())));
        events.failed(key, attempt, reason);
    }

    /** A CAS mismatch on our write: rolled back, and the key goes to CONFLICT for an operator. */
    @Transactional
    public void abortInConflict(WriteIntent intent, String by) {
        abort(intent, "conflict", by);
        keys.setState(intent.keyId(), KeyState.CONFLICT, clock.instant());
    }

    /**
     * An attempt that failed before its intent (Vault could not be read): numbered and FAILED, and
     * the key backs off — unless it turns out not to be due, or another write is in flight.
     */
    @Transactional
    public void recordFailedAttempt(long keyId, String fingerprint, RotationCommand command, String reason) {
        Instant now = clock.instant();
        ManagedKey key = keys.lock(keyId);
        boolean notDue = command.trigger() == KeyVersion.Trigger.SCHEDULED && !schedule.isDue(key, now);
        if (notDue || intents.open(keyId).isPresent()) {
            return;
        }
        KeyVersion version = versions.insert(
                keyId, State.PENDING, fingerprint, command.trigger(), command.actor(), command.reason(), now);
        versions.fail(version.id(), reason);
        keys.recordFailure(keyId, reason, now, now.plus(properties.backoff(key.failureCount())));
        events.failed(key, versions.findById(version.id()).orElse(null), reason);
    }

    /** Vault keeps showing less than keyrotator wrote: the secret was deleted or replaced out of band. */
    @Transactional
    public void vanished(long keyId) {
        Instant now = clock.instant();
        ManagedKey key = keys.lock(keyId);
        if (intents.open(keyId).isPresent()) {
            return;
        }
        keys.setState(keyId, KeyState.CONFLICT, now);
        keys.recordFailure(keyId, "conflict", now, now.plus(properties.backoff(key.failureCount())));
        events.failed(key, null, "conflict");
    }

    /** A failure before any intent was recorded (Vault unreadable): back off. */
    @Transactional
    public void recordFailure(long keyId, String reason) {
        Instant now = clock.instant();
        ManagedKey key = keys.lock(keyId);
        keys.recordFailure(keyId, reason, now, now.plus(properties.backoff(key.failureCount())));
    }
}
