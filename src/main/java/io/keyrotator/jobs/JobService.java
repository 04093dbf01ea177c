package io.keyrotator.jobs;

import io.keyrotator.rotation.Durations;
import io.keyrotator.rotation.InvalidRequestException;
import io.keyrotator.rotation.InvalidRequestException.FieldError;
import io.keyrotator.rotation.protocol.KeyCatalog;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Creates, reads and cancels jobs. The keys a job rotates are the ones its selector matched when it
 * was created: a key registered later is not part of it, and a key deleted meanwhile fails as
 * {@code key-deleted}.
 */
@Service
class JobService {

    private static final int MOST_NAMES = 10_000;

    private final KeyCatalog catalog;
    private final JobRecords records;
    private final JobReads reads;
    private final JobWorker worker;
    private final JobProperties properties;
    private final Clock clock;

    JobService(
            KeyCatalog catalog,
            JobRecords records,
            JobReads reads,
            JobWorker worker,
            JobProperties properties,
            Clock clock) {
        this.catalog = catalog;
        this.records = records;
        this.reads = reads;
        this.worker = worker;
        this.properties = properties;
        this.clock = clock;
    }

    @Transactional
    public RotationJob create(JobRequest request, String actor) {
        JobRequest.Selector selector = validated(request);
        Duration overlap = request.overlap() == null ? null : Durations.overlap("overlap", request.overlap());
        List<String> keys = catalog.namesMatching(
                selector.labels() == null ? Map.of() : selector.labels(),
                selector.names() == null ? List.of() : selector.names(),
                selector.vaultPathPrefix(),
                properties.maxKeys() + 1);
        if (keys.isEmpty()) {
            throw InvalidRequestException.of("selector", "matches no key");
        }
        if (keys.size() > properties.maxKeys()) {
            throw InvalidRequestException.of(
                    "selector", "matches more than keyrotator.jobs.max-keys (" + properties.maxKeys() + ") keys");
        }
        UUID id = UUID.randomUUID();
        records.insert(id, new JobRecords.Created(selector, request.reason(), overlap, actor), keys, clock.instant());
        worker.wakeAfterCommit();
        return reads.find(id).orElseThrow();
    }

    Optional<RotationJob> find(UUID id) {
        return reads.find(id);
    }

    List<RotationJob> page(int offset, int limit) {
        return reads.page(offset, limit);
    }

    /** Open keys are not rotated; those in flight finish and count as done. */
    @Transactional
    public RotationJob cancel(UUID id) {
        RotationJob job = reads.find(id).orElseThrow(() -> new JobNotFoundException(id.toString()));
        records.cancel(job.id(), clock.instant());
        return reads.find(id).orElseThrow();
    }

    private static JobRequest.Selector validated(JobRequest request) {
        List<FieldError> errors = new ArrayList<>();
        JobRequest.Selector selector = request.selector();
        if (selector == null
                || ((selector.labels() == null || selector.labels().isEmpty())
                        && (selector.names() == null || selector.names().isEmpty())
                        && selector.vaultPathPrefix() == null)) {
            throw InvalidRequestException.of("selector", "one of labels, names or vaultPathPrefix is required");
        }
        if (selector.labels() != null
                && selector.labels().entrySet().stream()
                        .anyMatch(e -> e.getKey() == null
                                || e.getValue() == null
                                || bad(e.getKey(), 63)
                                || bad(e.getValue(), 63))) {
            errors.add(new FieldError("selector.labels", "keys and values of 1 to 63 printable characters"));
        }
        if (selector.names() != null
                && (selector.names().size() > MOST_NAMES
                        || selector.names().stream().anyMatch(n -> n == null || bad(n, 64)))) {
            errors.add(new FieldError(
                    "selector.names", "at most " + MOST_NAMES + " names of 1 to 64 printable characters"));
        }
        if (selector.vaultPathPrefix() != null && bad(selector.vaultPathPrefix(), 256)) {
            errors.add(new FieldError("selector.vaultPathPrefix", "1 to 256 printable characters"));
        }
        if (request.reason() != null && (request.reason().length() > 512 || hasControl(request.reason()))) {
            errors.add(new FieldError("reason", "at most 512 characters, none of them control characters"));
        }
        if (!errors.isEmpty()) {
            throw InvalidRequestException.of(errors);
        }
        return selector;
    }

    private static boolean bad(String text, int longest) {
        return text.isEmpty() || text.length() > longest || hasControl(text);
    }

    private static boolean hasControl(String text) {
        return text.chars().anyMatch(Character::isISOControl);
    }
}
