package io.keyrotator.leaks;

import io.keyrotator.rotation.KeyNotFoundException;
import io.keyrotator.rotation.KeyVersion.Trigger;
import io.keyrotator.rotation.VaultConflictException;
import io.keyrotator.rotation.protocol.Idempotency;
import io.keyrotator.rotation.protocol.RotationCommand;
import io.keyrotator.vault.SecretStoreException;
import java.time.Duration;

/** The emergency rotation a leak asks for, and the failure reasons a report records. */
final class LeakCommands {

    private LeakCommands() {}

    /**
     * Overlap PT0S: the old key is invalid the moment the write confirms, and publish-ahead is
     * skipped. The idempotency key is the report's, so a second handler of the same report repeats
     * the first one's rotation instead of making another.
     */
    static RotationCommand emergency(LeakRecords.Pending pending) {
        String actor = clip("leak:" + pending.reporter(), 128);
        String reason = clip("leak " + pending.id() + (pending.reason() == null ? "" : ": " + pending.reason()), 512);
        return new RotationCommand(Trigger.MANUAL, actor, reason, Duration.ZERO, false, "leak-report")
                .withIdempotency(Idempotency.Key.internal("leak", pending.id().toString(), "leak"));
    }

    static String reason(RuntimeException e) {
        return switch (e) {
            case KeyNotFoundException notFound -> "key-deleted";
            case VaultConflictException conflict -> "conflict";
            case SecretStoreException vault -> "vault-unavailable";
            default -> "internal-error";
        };
    }

    private static String clip(String text, int length) {
        return text.length() <= length ? text : text.substring(0, length);
    }
}
