package io.keyrotator.rotation.protocol;

import io.keyrotator.rotation.IdempotencyMismatchException;
import io.keyrotator.rotation.KeyNotFoundException;
import io.keyrotator.rotation.KeyVersion;
import io.keyrotator.rotation.ManagedKey;
import io.keyrotator.rotation.RateLimitedException;
import io.keyrotator.rotation.RotationInProgressException;
import io.keyrotator.rotation.RotationProperties;
import io.keyrotator.rotation.VaultConflictException;
import io.keyrotator.rotation.store.KeyRecords;
import io.keyrotator.rotation.store.VersionRecords;
import io.keyrotator.rotation.store.WriteIntent;
import io.keyrotator.rotation.store.WriteIntent.Kind;
import io.keyrotator.vault.SecretMetadata;
import io.keyrotator.vault.SecretStore;
import io.keyrotator.vault.SecretVersion;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.springframework.stereotype.Service;

/**
 * Rotates keys as docs/architecture.md#the-flow-of-one-rotation describes. Not transactional
 * itself: it reads Vault, generates the key, records the intent ({@link RotationSteps}, tx 1),
 * writes to Vault holding no database connection, and confirms (tx 2) through {@link VaultWriter}.
 */
@Service
public class RotationEngine {

    private final SecretStore store;
    private final KeyRecords keys;
    private final KnownKeys known;
    private final VersionRecords versions;
    private final KeyGenerator generator;
    private final RotationSteps steps;
    private final FailureSteps failures;
    private final VaultWriter writer;
    private final Adoption adoption;
    private final PromotionGate gate;
    private final RotationMetrics metrics;
    private final RotationProperties properties;
    private final Clock clock;

    RotationEngine(
            SecretStore store,
            KeyRecords keys,
            KnownKeys known,
            VersionRecords versions,
            KeyGenerator generator,
            RotationSteps steps,
            FailureSteps failures,
            VaultWriter writer,
            Adoption adoption,
            PromotionGate gate,
            RotationMetrics metrics,
            RotationProperties properties,
            Clock clock) {
        this.store = store;
        this.keys = keys;
        this.known = known;
        this.versions = versions;
        this.generator = generator;
        this.steps = steps;
        this.failures = failures;
        this.writer = writer;
        this.adoption = adoption;
        this.gate = gate;
        this.metrics = metrics;
        this.properties = properties;
        this.clock = clock;
    }

    /**
     * Forces a rotation now. A rotation of a key that is already rotating waits for it (up to
     * {@code keyrotator.limits.rotation-wait}, holding no database connection) and then rotates
     * again.
     *
     * @return the new version: CURRENT, or NEXT when the key publishes ahead
     * @throws KeyNotFoundException, VaultConflictException, RotationInProgressException, or the
     *     vault package's exceptions when Vault fails (the old key stays current and valid)
     */
    public Rotated rotate(String name, RotationCommand command) {
        Instant deadline = clock.instant().plus(properties.limits().rotationWait());
        StaleReads stale = new StaleReads();
        while (true) {
            ManagedKey key = known.find(name).orElseThrow(() -> KeyNotFoundException.named(name));
            Optional<Rotated> done = attemptWithFreshReads(key, command, stale);
            if (done.isPresent()) {
                return done.get();
            }
            if (clock.instant().isAfter(deadline)) {
                throw RotationInProgressException.of(name);
            }
            pause();
        }
    }

    /**
     * The version a rotation made, or, for a repeat of an earlier request with the same
     * Idempotency-Key ({@code repeat}), the version that request made.
     */
    public record Rotated(KeyVersion version, boolean repeat) {}

    /** The scheduler's rotation of one due key; false when it turned out not to be due or busy. */
    public boolean rotateScheduled(long keyId) {
        Optional<ManagedKey> key = keys.findById(keyId);
        return key.isPresent()
                && attempt(key.get(), RotationCommand.scheduled()).isPresent();
    }

    /** Promotes a published-ahead key, or closes an overlap window, when due. */
    public boolean followUp(long keyId, Kind kind) {
        Optional<ManagedKey> found = keys.findById(keyId);
        if (found.isEmpty()) {
            return false;
        }
        ManagedKey key = found.get();
        if (!gate.check(key, kind)) {
            return false;
        }
        Optional<SecretVersion> latest;
        Observed observed;
        try {
            latest = store.read(key.vaultPath(), SecretStore.LATEST);
            observed = observe(key, latest);
        } catch (RuntimeException e) {
            failures.recordFailure(key.id(), VaultWriter.reason(e));
            throw e;
        }
        Begin begin = steps.beginFollowUp(keyId, kind, observed);
        if (!(begin instanceof Begin.Started started) || latest.isEmpty()) {
            return false;
        }
        Instant now = clock.instant();
        Map<String, Object> payload = kind == Kind.PROMOTE
                ? VaultPayloads.promotion(
                        latest.get(),
                        key,
                        started.version().version(),
                        started.intent().previousValidUntil(),
                        now)
                : VaultPayloads.withoutPrevious(latest.get(), key);
        writer.write(key, started.intent(), payload);
        if (kind == Kind.CLOSE) {
            metrics.overlapClosed(key, started.version());
        }
        return true;
    }

    private static final int STALE_READS_BEFORE_CONFLICT = 3;

    /**
     * Another rotation confirming between our read and our lock explains a stale read (Vault shows
     * less than keyrotator last wrote). Stale reads while nobody writes, the recorded version not
     * moving, mean the secret was deleted or replaced behind keyrotator's back: CONFLICT.
     */
    private Optional<Rotated> attemptWithFreshReads(ManagedKey key, RotationCommand command, StaleReads stale) {
        try {
            return attempt(key, command);
        } catch (StaleRead e) {
            long recorded =
                    keys.findById(key.id()).map(ManagedKey::lastVaultVersion).orElse(-1L);
            if (stale.sawAgain(recorded) >= STALE_READS_BEFORE_CONFLICT) {
                failures.vanished(key.id());
                throw VaultConflictException.of(key.name());
            }
            return Optional.empty();
        }
    }

    /** Vault showed an older version than keyrotator last wrote. */
    private static final class StaleRead extends RuntimeException {
        StaleRead() {
            super(null, null, false, false);
        }
    }

    /** Consecutive stale reads against the same recorded version. */
    private static final class StaleReads {
        private long version = -1;
        private int count;

        int sawAgain(long recorded) {
            count = recorded == version ? count + 1 : 1;
            version = recorded;
            return count;
        }
    }

    private static java.time.Duration since(long startedNanos) {
        return java.time.Duration.ofNanos(System.nanoTime() - startedNanos);
    }

    private Optional<Rotated> attempt(ManagedKey key, RotationCommand command) {
        long startedAt = System.nanoTime();
        KeyMaterial fresh = generator.generate(key.generator());
        Optional<SecretVersion> latest;
        Observed observed;
        try {
            latest = store.read(key.vaultPath(), SecretStore.LATEST);
            observed = observe(key, latest);
        } catch (RuntimeException e) {
            failures.recordFailedAttempt(key.id(), fresh.fingerprint(), command, VaultWriter.reason(e));
            metrics.rotation(key, command, null, "failure", since(startedAt));
            throw e;
        }
        Begin begin = steps.beginRotation(key.id(), observed, fresh.fingerprint(), key.generator(), command);
        return switch (begin) {
            case Begin.Started started -> {
                ManagedKey locked = started.key();
                Instant now = clock.instant();
                WriteIntent intent = started.intent();
                Map<String, Object> payload = intent.kind() == Kind.PUBLISH
                        ? VaultPayloads.publish(
                                latest.orElseThrow(),
                                locked,
                                fresh,
                                started.version().version(),
                                intent.nextActiveAt())
                        : VaultPayloads.rotation(
                                latest.orElse(null),
                                locked,
                                fresh,
                                started.version().version(),
                                intent.previousValidUntil(),
                                now);
                Optional<KeyVersion> confirmed;
                try {
                    confirmed = writer.write(locked, intent, payload);
                } catch (VaultConflictException e) {
                    metrics.rotation(key, command, started.version(), "conflict", since(startedAt));
                    throw e;
                } catch (RuntimeException e) {
                    metrics.rotation(key, command, started.version(), "failure", since(startedAt));
                    throw e;
                }
                Optional<KeyVersion> done = confirmed.isPresent()
                        ? confirmed
                        : versions.findById(started.version().id());
                metrics.rotation(key, command, done.orElse(null), "success", since(startedAt));
                yield done.map(version -> new Rotated(version, false));
            }
            case Begin.Conflict conflict -> {
                metrics.rotation(key, command, conflict.failed(), "conflict", since(startedAt));
                throw VaultConflictException.of(key.name());
            }
            case Begin.RateLimited limited -> throw RateLimitedException.of(key.name(), limited.retryAfter());
            case Begin.Repeat repeat -> Optional.of(new Rotated(repeat.version(), true));
            case Begin.Mismatch mismatch ->
                throw IdempotencyMismatchException.of(
                        java.util.Objects.requireNonNull(command.idempotency()).value());
            case Begin.NothingToDo nothing ->
                command.trigger() == KeyVersion.Trigger.SCHEDULED
                        ? Optional.of(new Rotated(
                                versions.inState(key.id(), KeyVersion.State.CURRENT)
                                        .orElseThrow(),
                                false))
                        : Optional.empty();
            case Begin.Busy busy -> Optional.empty();
            case Begin.Changed changed -> {
                known.forget(key.name());
                yield Optional.empty();
            }
            case Begin.InConflict inConflict -> {
                if (!command.overwrite()) {
                    throw VaultConflictException.of(key.name());
                }
                adoption.takeOver(key.name(), command.actor());
                yield Optional.empty();
            }
            case Begin.Stale stale -> throw new StaleRead();
        };
    }

    /**
     * A deleted or destroyed newest version reads as nothing. Its number, from the metadata, makes it
     * the out-of-band change it is (CONFLICT at once), where version 0 would pass for a stale read
     * until the retries ran out, and a rotation with overwrite could never get past it. Costs a
     * metadata read only when the read found nothing.
     */
    private Observed observe(ManagedKey key, Optional<SecretVersion> latest) {
        if (latest.isPresent() || key.lastVaultVersion() == 0) {
            return Observed.of(latest, key);
        }
        long current = store.metadata(key.vaultPath())
                .map(SecretMetadata::currentVersion)
                .orElse(0L);
        return new Observed(current, null, null);
    }

    private static void pause() {
        try {
            TimeUnit.MILLISECONDS.sleep(25);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a rotation in progress", e);
        }
    }
}
