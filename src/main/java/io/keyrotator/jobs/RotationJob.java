package io.keyrotator.jobs;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * A job as the API shows it: what it selected, how many keys are done, failed, open or cancelled,
 * and which (the first {@link #LISTED} of each).
 */
record RotationJob(
        UUID id,
        State state,
        JobRequest.Selector selector,
        @Nullable String reason,
        @Nullable String overlap,
        String actor,
        int total,
        int done,
        int failed,
        int open,
        int cancelled,
        List<String> openKeys,
        List<KeyFailure> failures,
        Instant createdAt,
        @Nullable Instant finishedAt) {

    static final int LISTED = 100;

    enum State {
        RUNNING,
        DONE,
        CANCELLED
    }

    record KeyFailure(String key, String reason, int attempts) {}

    record JobPage(List<RotationJob> items, int offset, int limit) {}
}
