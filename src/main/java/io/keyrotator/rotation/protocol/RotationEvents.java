package io.keyrotator.rotation.protocol;

import io.keyrotator.rotation.KeyEvent;
import io.keyrotator.rotation.KeyVersion;
import io.keyrotator.rotation.KeyVersion.State;
import io.keyrotator.rotation.ManagedKey;
import io.keyrotator.rotation.store.VersionRecords;
import io.keyrotator.rotation.store.WriteIntent;
import java.time.Instant;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;

/**
 * Publishes the {@link KeyEvent}s of a confirmed or failed write, inside the transaction that makes
 * the change; the webhooks package turns them into outbox rows in that same transaction.
 */
@Component
class RotationEvents {

    private final ApplicationEventPublisher publisher;
    private final VersionRecords versions;

    RotationEvents(ApplicationEventPublisher publisher, VersionRecords versions) {
        this.publisher = publisher;
        this.versions = versions;
    }

    /**
     * After a confirmed write: what it made current, published or ended. {@code confirmed} is the
     * version the write made CURRENT or NEXT and {@code previous} the one that stepped down into
     * an overlap, both as the confirming statements returned them, so nothing is read again.
     */
    void written(
            ManagedKey key,
            WriteIntent.Kind kind,
            long vaultVersion,
            boolean droppedKeys,
            Instant now,
            @Nullable KeyVersion confirmed,
            @Nullable KeyVersion previous) {
        boolean rotated = kind == WriteIntent.Kind.ROTATE || kind == WriteIntent.Kind.PROMOTE;
        if (rotated) {
            publisher.publishEvent(new KeyEvent.Rotated(snapshot(key, confirmed, previous, vaultVersion, now)));
        } else if (kind == WriteIntent.Kind.PUBLISH) {
            // publishing retires any previous key first: there is none left to report
            publisher.publishEvent(new KeyEvent.NextPublished(snapshot(key, confirmed, null, vaultVersion, now)));
        }
        if (kind == WriteIntent.Kind.CLOSE || (droppedKeys && kind != WriteIntent.Kind.REGISTER)) {
            KeyVersion current = rotated
                    ? confirmed
                    : versions.inState(key.id(), State.CURRENT).orElse(null);
            publisher.publishEvent(
                    new KeyEvent.PreviousExpired(snapshot(key, current, rotated ? previous : null, vaultVersion, now)));
        }
    }

    void failed(ManagedKey key, @Nullable KeyVersion attempt, String reason) {
        publisher.publishEvent(new KeyEvent.RotationFailed(
                key.name(),
                attempt == null ? null : attempt.version(),
                attempt == null ? null : attempt.trigger().id(),
                reason,
                key.vaultPath().mount(),
                key.vaultPath().path()));
    }

    private static KeyEvent.Snapshot snapshot(
            ManagedKey key,
            @Nullable KeyVersion confirmed,
            @Nullable KeyVersion stepped,
            long vaultVersion,
            Instant now) {
        Optional<KeyVersion> subject = Optional.ofNullable(confirmed);
        Optional<KeyVersion> previous = Optional.ofNullable(stepped);
        return new KeyEvent.Snapshot(
                key.name(),
                subject.map(KeyVersion::version).orElse(null),
                previous.map(KeyVersion::version).orElse(null),
                subject.map(KeyVersion::fingerprint).orElse(null),
                key.vaultPath().mount(),
                key.vaultPath().path(),
                vaultVersion,
                previous.map(KeyVersion::validUntil).orElse(null),
                subject.map(KeyVersion::activateAt).orElse(null),
                subject.map(v -> v.trigger().id()).orElse(null),
                now);
    }
}
