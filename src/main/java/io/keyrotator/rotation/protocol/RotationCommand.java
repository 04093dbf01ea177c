package io.keyrotator.rotation.protocol;

import io.keyrotator.rotation.KeyVersion.Trigger;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * One rotation to perform. {@code overlap} overrides the key's overlap for this rotation only
 * ({@code PT0S}: the old key is invalid at once, and a forced emergency rotation skips
 * publish-ahead); {@code overwrite} rotates a key in CONFLICT over the out-of-band value.
 */
public record RotationCommand(
        Trigger trigger,
        @Nullable String actor,
        @Nullable String reason,
        @Nullable Duration overlap,
        boolean overwrite,
        @Nullable String source,
        Idempotency.@Nullable Key idempotency) {

    public RotationCommand(
            Trigger trigger,
            @Nullable String actor,
            @Nullable String reason,
            @Nullable Duration overlap,
            boolean overwrite,
            @Nullable String source) {
        this(trigger, actor, reason, overlap, overwrite, source, null);
    }

    public RotationCommand(
            Trigger trigger,
            @Nullable String actor,
            @Nullable String reason,
            @Nullable Duration overlap,
            boolean overwrite) {
        this(trigger, actor, reason, overlap, overwrite, null);
    }

    public static RotationCommand scheduled() {
        return new RotationCommand(Trigger.SCHEDULED, "scheduler", null, null, false, null);
    }

    public RotationCommand withIdempotency(Idempotency.Key key) {
        return new RotationCommand(trigger, actor, reason, overlap, overwrite, source, key);
    }
}
