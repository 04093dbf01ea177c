package io.keyrotator.webhooks;

import io.keyrotator.rotation.KeyEvent;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Turns the rotation protocol's {@link KeyEvent}s into outbox rows (docs/contract.md#events). It
 * runs inside the transaction that published the event and refuses to run outside one ({@link
 * Propagation#MANDATORY}): the row commits with the change or not at all.
 */
@Component
class KeyEventRecorder {

    private final Outbox outbox;

    KeyEventRecorder(Outbox outbox) {
        this.outbox = outbox;
    }

    @EventListener
    @Transactional(propagation = Propagation.MANDATORY)
    public void record(KeyEvent event) {
        switch (event) {
            case KeyEvent.Rotated rotated -> outbox.record("key.rotated", rotated.key(), data(rotated.snapshot()));
            case KeyEvent.NextPublished published ->
                outbox.record("key.next_published", published.key(), data(published.snapshot()));
            case KeyEvent.PreviousExpired expired ->
                outbox.record("key.previous_expired", expired.key(), data(expired.snapshot()));
            case KeyEvent.PromotionDelayed delayed -> {
                Map<String, Object> data = new LinkedHashMap<>();
                data.put("key", delayed.key());
                data.put("step", delayed.step());
                data.put("version", delayed.version());
                data.put("awaitedVersion", delayed.awaitedVersion());
                data.put("outcome", delayed.outcome());
                data.put("dueAt", rfc3339(delayed.dueAt()));
                data.put("timeout", delayed.timeout().toString());
                data.put(
                        "behind",
                        delayed.behind().stream()
                                .map(b -> Map.of(
                                        "consumer", b.consumer(), "instance", b.instance(), "version", b.version()))
                                .toList());
                data.put("at", rfc3339(delayed.at()));
                outbox.record("key.promotion_delayed", delayed.key(), data);
            }
            case KeyEvent.Leaked leaked -> {
                Map<String, Object> data = new LinkedHashMap<>();
                data.put("key", leaked.key());
                data.put("version", leaked.version());
                data.put("fingerprint", leaked.fingerprint());
                data.put("leakId", leaked.leakId());
                data.put("outcome", leaked.outcome());
                data.put("source", leaked.source());
                data.put("reportedAt", rfc3339(leaked.reportedAt()));
                data.put("invalidatedAt", rfc3339(leaked.invalidatedAt()));
                outbox.record("key.leaked", leaked.key(), data);
            }
            case KeyEvent.RotationFailed failed -> {
                Map<String, Object> data = new LinkedHashMap<>();
                data.put("key", failed.key());
                data.put("version", failed.version());
                data.put("trigger", failed.trigger());
                data.put("reason", failed.reason());
                data.put("vaultMount", failed.vaultMount());
                data.put("vaultPath", failed.vaultPath());
                outbox.record("key.rotation_failed", failed.key(), data);
            }
        }
    }

    private static Map<String, Object> data(KeyEvent.Snapshot snapshot) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("key", snapshot.key());
        data.put("version", snapshot.version());
        data.put("previousVersion", snapshot.previousVersion());
        data.put("fingerprint", snapshot.fingerprint());
        data.put("vaultMount", snapshot.vaultMount());
        data.put("vaultPath", snapshot.vaultPath());
        data.put("vaultVersion", snapshot.vaultVersion());
        data.put("previousValidUntil", rfc3339(snapshot.previousValidUntil()));
        data.put("nextActiveAt", rfc3339(snapshot.nextActiveAt()));
        data.put("trigger", snapshot.trigger());
        data.put("rotatedAt", rfc3339(snapshot.rotatedAt()));
        return data;
    }

    private static @Nullable String rfc3339(@Nullable Instant instant) {
        return instant == null ? null : instant.truncatedTo(ChronoUnit.SECONDS).toString();
    }
}
