package io.keyrotator.rotation.protocol;

import io.keyrotator.rotation.GeneratorSpec;
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
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * The two short transactions around every Vault write: {@code begin*} records the intent under
 * the key's row lock, {@link #confirm} promotes versions once Vault has the write. No Vault call
 * happens in here.
 */
@Component
public class RotationSteps {

    private final KeyRecords keys;
    private final VersionRecords versions;
    private final IntentRecords intents;
    private final Schedule schedule;
    private final RotationEvents events;
    private final Idempotency idempotency;
    private final VaultSync sync;
    private final InstanceId owner;
    private final PromotionGate gate;
    private final RotationProperties properties;
    private final Clock clock;

    RotationSteps(
            KeyRecords keys,
            VersionRecords versions,
            IntentRecords intents,
            Schedule schedule,
            RotationEvents events,
            Idempotency idempotency,
            VaultSync sync,
            InstanceId owner,
            PromotionGate gate,
            RotationProperties properties,
            Clock clock) {
        this.keys = keys;
        this.versions = versions;
        this.intents = intents;
        this.schedule = schedule;
        this.events = events;
        this.idempotency = idempotency;
        this.sync = sync;
        this.owner = owner;
        this.gate = gate;
        this.properties = properties;
        this.clock = clock;
    }

    @Transactional
    public Begin beginRotation(
            long keyId, Observed observed, String fingerprint, GeneratorSpec generator, RotationCommand command) {
        Instant now = clock.instant();
        Optional<KeyRecords.Locked> locked = keys.lockForRotation(keyId);
        if (locked.isEmpty() || !locked.get().key().generator().equals(generator)) {
            return new Begin.Changed();
        }
        ManagedKey key = locked.get().key();
        Idempotency.Key idempotencyKey = command.idempotency();
        if (idempotencyKey != null) {
            Optional<Begin> earlier = idempotency.earlier(key.name(), idempotencyKey);
            if (earlier.isPresent()) {
                return earlier.get();
            }
        }
        if (key.state() == KeyState.CONFLICT) {
            return new Begin.InConflict();
        }
        if (locked.get().writing()) {
            return new Begin.Busy();
        }
        if (command.trigger() == KeyVersion.Trigger.SCHEDULED && !schedule.isDue(key, now)) {
            return new Begin.NothingToDo();
        }
        Optional<Instant> allowedFrom = manualAllowedFrom(locked.get().lastManualRotation(), command);
        if (allowedFrom.isPresent() && allowedFrom.get().isAfter(now)) {
            return new Begin.RateLimited(java.time.Duration.between(now, allowedFrom.get()));
        }
        Optional<Begin> unexplained =
                checkObserved(key, locked.get().currentFingerprint(), observed, fingerprint, command, now);
        if (unexplained.isPresent()) {
            return unexplained.get();
        }
        // a forced rotation with its own overlap (PT0S or not) replaces the key at once
        boolean publish = !key.publishAhead().isZero() && command.overlap() == null;
        Instant validUntil = validUntil(key, command, now);
        KeyVersion version = versions.insert(
                keyId, State.PENDING, fingerprint, command.trigger(), command.actor(), command.reason(), now);
        if (idempotencyKey != null) {
            idempotency.bind(key.name(), idempotencyKey, version.id());
        }
        WriteIntent intent = intents.insert(
                keyId,
                version.id(),
                publish ? Kind.PUBLISH : Kind.ROTATE,
                owner.id(),
                lease(),
                key.lastVaultVersion(),
                fingerprint,
                validUntil,
                publish ? now.plus(key.publishAhead()) : null,
                now);
        return new Begin.Started(key, intent, version);
    }

    /** Promotion of a published key, or the close of an overlap window: no new key version. */
    @Transactional
    public Begin beginFollowUp(long keyId, Kind kind, Observed observed) {
        Instant now = clock.instant();
        ManagedKey key = keys.lock(keyId);
        if (intents.open(keyId).isPresent()) {
            return new Begin.Busy();
        }
        Optional<KeyVersion> subject = versions.inState(keyId, kind == Kind.PROMOTE ? State.NEXT : State.PREVIOUS);
        Instant due = subject.map(v -> kind == Kind.PROMOTE ? v.activateAt() : v.validUntil())
                .orElse(null);
        if (due == null
                || due.isAfter(now)
                || (key.nextAttemptAt() != null && key.nextAttemptAt().isAfter(now))) {
            return new Begin.NothingToDo();
        }
        Optional<KeyVersion> currentVersion = versions.inState(key.id(), State.CURRENT);
        int awaited = kind == Kind.PROMOTE
                ? subject.get().version()
                : currentVersion.map(KeyVersion::version).orElse(0);
        if (!gate.opens(key, kind, awaited, due, now)) {
            // an instance fell behind since the check before the Vault read: the next tick decides
            return new Begin.NothingToDo();
        }
        String current = currentVersion.map(KeyVersion::fingerprint).orElse(null);
        Optional<Begin> unexplained = checkObserved(key, current, observed, null, null, now);
        if (unexplained.isPresent()) {
            return unexplained.get();
        }
        String fingerprint = kind == Kind.PROMOTE
                ? subject.get().fingerprint()
                : Objects.requireNonNull(observed.currentFingerprint());
        Instant validUntil = kind == Kind.PROMOTE && !key.overlap().isZero() ? now.plus(key.overlap()) : null;
        WriteIntent intent = intents.insert(
                keyId,
                subject.get().id(),
                kind,
                owner.id(),
                lease(),
                key.lastVaultVersion(),
                fingerprint,
                validUntil,
                null,
                now);
        return new Begin.Started(key, intent, subject.get());
    }

    /**
     * Confirms a write Vault has made. Fenced: only the intent's owner, or recovery once the lease
     * ran out, gets to confirm; returns the version as confirmed, or empty when someone else already
     * closed the intent.
     */
    @Transactional
    public Optional<KeyVersion> confirm(WriteIntent intent, long writtenVersion, String by) {
        Instant now = clock.instant();
        if (!intents.close(intent.id(), "DONE", "written", by)) {
            return Optional.empty();
        }
        ManagedKey key = keys.lock(intent.keyId());
        long versionId = Objects.requireNonNull(intent.versionId());
        boolean dropped = false;
        KeyVersion confirmed = null;
        KeyVersion steppedDown = null;
        Optional<io.keyrotator.rotation.store.SyncRecords.Work> leased = Optional.empty();
        switch (intent.kind()) {
            case REGISTER -> {
                confirmed = versions.becomeCurrent(versionId, writtenVersion, now);
                leased = keys.recordWrite(
                        key.id(), writtenVersion, now, schedule.next(key, now), false, now, VaultSync.LEASE);
            }
            case ROTATE, PROMOTE -> {
                State[] dropping = intent.kind() == Kind.ROTATE
                        ? new State[] {State.PREVIOUS, State.NEXT}
                        : new State[] {State.PREVIOUS};
                dropped = versions.retire(key.id(), now, dropping) > 0 | intent.previousValidUntil() == null;
                steppedDown = versions.retireCurrent(key.id(), intent.previousValidUntil(), now)
                        .filter(v -> v.state() == State.PREVIOUS)
                        .orElse(null);
                confirmed = versions.becomeCurrent(versionId, writtenVersion, now);
                leased = keys.recordWrite(
                        key.id(), writtenVersion, now, schedule.next(key, now), dropped, now, VaultSync.LEASE);
            }
            case PUBLISH -> {
                Instant activeAt = Objects.requireNonNull(intent.nextActiveAt());
                dropped = versions.retire(key.id(), now, State.PREVIOUS, State.NEXT) > 0;
                confirmed = versions.becomeNext(versionId, writtenVersion, activeAt);
                leased = keys.recordWrite(
                        key.id(), writtenVersion, null, schedule.next(key, activeAt), dropped, now, VaultSync.LEASE);
            }
            case CLOSE -> {
                versions.retire(key.id(), now, State.PREVIOUS);
                leased = keys.recordWrite(key.id(), writtenVersion, null, null, true, now, VaultSync.LEASE);
            }
        }
        events.written(key, intent.kind(), writtenVersion, dropped, now, confirmed, steppedDown);
        sync.handOverAfterCommit(leased);
        return Optional.of(
                confirmed != null ? confirmed : versions.findById(versionId).orElseThrow());
    }

    /**
     * Vault must hold exactly what we last wrote; anything else is an out-of-band write
     * (docs/architecture.md#invariant-4-no-silent-overwrite), recorded as a FAILED attempt of the
     * rotation we were about to make.
     */
    private Optional<Begin> checkObserved(
            ManagedKey key,
            @Nullable String current,
            Observed observed,
            @Nullable String attempted,
            @Nullable RotationCommand command,
            Instant now) {
        if (observed.vaultVersion() < key.lastVaultVersion()) {
            return Optional.of(new Begin.Stale());
        }
        if (observed.vaultVersion() == key.lastVaultVersion()
                && Objects.equals(current, observed.currentFingerprint())) {
            return Optional.empty();
        }
        KeyVersion failed = null;
        if (attempted != null && command != null) {
            KeyVersion pending = versions.insert(
                    key.id(), State.PENDING, attempted, command.trigger(), command.actor(), command.reason(), now);
            versions.fail(pending.id(), "conflict");
            failed = versions.findById(pending.id()).orElseThrow();
        }
        keys.setState(key.id(), KeyState.CONFLICT, now);
        keys.recordFailure(key.id(), "conflict", now, now.plus(properties.backoff(key.failureCount())));
        events.failed(key, failed, "conflict");
        return Optional.of(new Begin.Conflict(failed));
    }

    private Optional<Instant> manualAllowedFrom(@Nullable Instant lastManualRotation, RotationCommand command) {
        var interval = properties.limits().minManualInterval();
        if (command.trigger() != KeyVersion.Trigger.MANUAL || interval.isZero() || lastManualRotation == null) {
            return Optional.empty();
        }
        return Optional.of(lastManualRotation.plus(interval));
    }

    private @Nullable Instant validUntil(ManagedKey key, RotationCommand command, Instant now) {
        var overlap = command.overlap() != null ? command.overlap() : key.overlap();
        return overlap.isZero() ? null : now.plus(overlap);
    }

    private java.time.Duration lease() {
        return properties.limits().intentLease();
    }
}
