package io.keyrotator.rotation.web;

import io.keyrotator.rotation.Durations;
import io.keyrotator.rotation.InvalidRequestException;
import io.keyrotator.rotation.KeyVersion;
import io.keyrotator.rotation.protocol.RotationCommand;
import org.jspecify.annotations.Nullable;

/** The optional body of {@code POST /api/v1/keys/{name}/rotations}. */
record RotationRequest(
        @Nullable String reason,
        @Nullable String overlap,
        @Nullable Boolean overwrite) {

    static final RotationRequest EMPTY = new RotationRequest(null, null, null);

    RotationCommand command(@Nullable String actor, @Nullable String source) {
        if (reason != null && reason.length() > 512) {
            throw InvalidRequestException.of("reason", "at most 512 characters");
        }
        java.time.Duration parsed = overlap == null ? null : Durations.overlap("overlap", overlap);
        return new RotationCommand(
                KeyVersion.Trigger.MANUAL, actor, reason, parsed, Boolean.TRUE.equals(overwrite), source);
    }
}
