package io.keyrotator.rotation;

import io.keyrotator.rotation.KeyVersion.State;
import io.keyrotator.webhooks.Outbox;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;

/**
 * The events of docs/contract.md#events, written to the outbox inside the transaction that makes
 * the change (docs/architecture.md#invariant-5-no-lost-notification). Payloads carry versions and
 * fingerprints, never key material.
 */
@Component
class RotationEvents {

    private final Outbox outbox;
    private final VersionRecords versions;

    RotationEvents(Outbox outbox, VersionRecords versions) {
        this.outbox = outbox;
        this.versions = versions;
    }

    /** After a confirmed write: what it made current, published or ended. */
    void written(ManagedKey key, WriteIntent.Kind kind, long vaultVersion, boolean droppedKeys, Instant now) {
        switch (kind) {
            case ROTATE, PROMOTE ->
                outbox.record(
                        "key.rotated",
                        key.name(),
                        data(key, versions.inState(key.id(), State.CURRENT), vaultVersion, now));
            case PUBLISH ->
                outbox.record(
                        "key.next_published",
                        key.name(),
                        data(key, versions.inState(key.id(), State.NEXT), vaultVersion, now));
            case CLOSE, REGISTER -> {}
        }
        if (kind == WriteIntent.Kind.CLOSE || (droppedKeys && kind != WriteIntent.Kind.REGISTER)) {
            outbox.record(
                    "key.previous_expired",
                    key.name(),
                    data(key, versions.inState(key.id(), State.CURRENT), vaultVersion, now));
        }
    }

    void failed(ManagedKey key, @Nullable KeyVersion attempt, String reason) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("key", key.name());
        data.put("version", attempt == null ? null : attempt.version());
        data.put("trigger", attempt == null ? null : attempt.trigger().id());
        data.put("reason", reason);
        data.put("vaultMount", key.vaultPath().mount());
        data.put("vaultPath", key.vaultPath().path());
        outbox.record("key.rotation_failed", key.name(), data);
    }

    private Map<String, Object> data(ManagedKey key, Optional<KeyVersion> subject, long vaultVersion, Instant now) {
        Optional<KeyVersion> previous = versions.inState(key.id(), State.PREVIOUS);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("key", key.name());
        data.put("version", subject.map(KeyVersion::version).orElse(null));
        data.put("previousVersion", previous.map(KeyVersion::version).orElse(null));
        data.put("fingerprint", subject.map(KeyVersion::fingerprint).orElse(null));
        data.put("vaultMount", key.vaultPath().mount());
        data.put("vaultPath", key.vaultPath().path());
        data.put("vaultVersion", vaultVersion);
        data.put(
                "previousValidUntil",
                previous.map(KeyVersion::validUntil).map(VaultPayloads::rfc3339).orElse(null));
        data.put(
                "nextActiveAt",
                subject.map(KeyVersion::activateAt).map(VaultPayloads::rfc3339).orElse(null));
        data.put("trigger", subject.map(v -> v.trigger().id()).orElse(null));
        data.put("rotatedAt", VaultPayloads.rfc3339(now));
        return data;
    }
}
