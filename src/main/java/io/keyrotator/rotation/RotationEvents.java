package io.keyrotator.rotation;

import io.keyrotator.rotation.KeyVersion.State;
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

    /** After a confirmed write: what it made current, published or ended. */
    void written(ManagedKey key, WriteIntent.Kind kind, long vaultVersion, boolean droppedKeys, Instant now) {
        switch (kind) {
            case ROTATE, PROMOTE ->
                publisher.publishEvent(new KeyEvent.Rotated(
                        snapshot(key, versions.inState(key.id(), State.CURRENT), vaultVersion, now)));
            case PUBLISH ->
                publisher.publishEvent(new KeyEvent.NextPublished(
                        snapshot(key, versions.inState(key.id(), State.NEXT), vaultVersion, now)));
            case CLOSE, REGISTER -> {}
        }
        if (kind == WriteIntent.Kind.CLOSE || (droppedKeys && kind != WriteIntent.Kind.REGISTER)) {
            publisher.publishEvent(new KeyEvent.PreviousExpired(
                    snapshot(key, versions.inState(key.id(), State.CURRENT), vaultVersion, now)));
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

    private KeyEvent.Snapshot snapshot(ManagedKey key, Optional<KeyVersion> subject, long vaultVersion, Instant now) {
        Optional<KeyVersion> previous = versions.inState(key.id(), State.PREVIOUS);
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
