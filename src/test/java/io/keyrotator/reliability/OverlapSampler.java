package io.keyrotator.reliability;

import io.keyrotator.rotation.protocol.KeyMaterial;
import io.keyrotator.support.Harvest;
import io.keyrotator.support.OpenBaoAdmin;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Watches a stack while its scenario runs, not after it settled: about once a second it reads every
 * key's newest KV version straight from OpenBao and checks that a {@code previous_*} key still
 * there is within {@code slack} (a poll interval and a margin) of the {@code validUntil} recorded
 * for its fingerprint, and that no key has two PREVIOUS versions. Times when the service could not
 * close overlaps (killed, Vault sealed, database down) are excused by the scenario with {@link
 * #outage}. Every key value it reads goes to {@link Harvest}, so the leak checks know keys that
 * lived only briefly.
 */
final class OverlapSampler implements AutoCloseable {

    private final JdbcClient db;
    private final OpenBaoAdmin vault;
    private final Duration slack;
    private final java.util.concurrent.ScheduledExecutorService sampling =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
                    Thread.ofPlatform().daemon().name("overlap-sampler").factory());
    private final List<String> violations = new CopyOnWriteArrayList<>();
    private final List<Instant[]> outages = new CopyOnWriteArrayList<>();
    private volatile @Nullable Instant outageSince;
    private volatile long samples;
    private volatile long previousSeen;
    private volatile Duration latest = Duration.ZERO;

    OverlapSampler(JdbcClient db, OpenBaoAdmin vault, Duration slack) {
        this.db = db;
        this.vault = vault;
        this.slack = slack;
        this.sampling.scheduleWithFixedDelay(this::sampleOnce, 0, 1, java.util.concurrent.TimeUnit.SECONDS);
    }

    /** From now until {@link Outage#close()}, an overlap left open is not the service's fault. */
    Outage outage() {
        return outage(Duration.ZERO);
    }

    /**
     * An outage that ends {@code grace} after {@link Outage#close()}: a close that failed during it
     * waits out its backoff (at most {@code keyrotator.scheduler.retry-backoff-max}) before it is tried
     * again.
     */
    Outage outage(Duration grace) {
        outageSince = Instant.now();
        return () -> {
            Instant since = outageSince;
            if (since != null) {
                outages.add(new Instant[] {since, Instant.now().plus(grace)});
                outageSince = null;
            }
        };
    }

    interface Outage extends AutoCloseable {
        @Override
        void close();
    }

    private void sampleOnce() {
        try {
            sample();
        } catch (RuntimeException e) {
            // Vault sealed or down, the schema not there yet: nothing to read this time
        }
    }

    private record KeyRow(long id, String name, String mount, String path, String field) {}

    private record Overlap(long keyId, String fingerprint, Instant validUntil) {}

    @SuppressWarnings("unchecked")
    private void sample() {
        List<KeyRow> keys = db.sql("SELECT id, name, vault_mount AS mount, vault_path AS path, vault_field AS field"
                        + " FROM managed_key")
                .query(KeyRow.class)
                .list();
        Map<String, Instant> validUntil = new HashMap<>();
        db.sql("SELECT key_id, fingerprint, valid_until FROM key_version WHERE valid_until IS NOT NULL")
                .query(Overlap.class)
                .list()
                .forEach(o -> validUntil.put(o.keyId() + "/" + o.fingerprint(), o.validUntil()));
        for (String name : db.sql("SELECT k.name FROM key_version v JOIN managed_key k ON k.id = v.key_id"
                        + " WHERE v.state = 'PREVIOUS' GROUP BY k.name HAVING count(*) > 1")
                .query(String.class)
                .list()) {
            violate(name + ": two PREVIOUS versions at once (more than two valid keys)");
        }
        for (KeyRow key : keys) {
            Map<String, Object> data;
            try {
                data = (Map<String, Object>)
                        ((Map<String, Object>) vault.call("GET", key.mount() + "/data/" + key.path(), null)
                                        .get("data"))
                                .get("data");
            } catch (RuntimeException e) {
                continue; // deleted, not written yet, or Vault away
            }
            Instant readAt = Instant.now();
            Harvest.key(data.get(key.field()));
            Harvest.key(data.get("next_" + key.field()));
            Object previous = data.get("previous_" + key.field());
            Harvest.key(previous);
            if (previous == null) {
                continue;
            }
            previousSeen++;
            Instant until = validUntil.get(key.id() + "/" + KeyMaterial.fingerprintOf(previous.toString()));
            Instant due = until == null ? null : dueAfterOutages(until, readAt);
            if (due == null) {
                continue;
            }
            Duration late = Duration.between(due, readAt);
            if (late.compareTo(latest) > 0) {
                latest = late;
            }
            if (late.compareTo(slack) > 0) {
                violate(key.name() + ": previous key still in OpenBao's newest version " + late.toMillis()
                        + " ms after its validUntil " + until + " (allowed: " + slack.toMillis() + " ms)");
            }
        }
        samples++;
    }

    /**
     * When the overlap had to be closed by, counting from its {@code validUntil} or from the end of
     * an outage that covered it; null while an outage goes on.
     */
    private @Nullable Instant dueAfterOutages(Instant validUntil, Instant readAt) {
        Instant open = outageSince;
        if (open != null && open.isBefore(readAt)) {
            return null;
        }
        Instant due = validUntil;
        for (Instant[] outage : outages) {
            if (outage[0].isBefore(due.plus(slack)) && outage[1].isAfter(due)) {
                due = outage[1];
            }
        }
        return due;
    }

    private void violate(String violation) {
        if (violations.size() < 50) {
            violations.add(violation);
        }
    }

    /** What was sampled and found, for the scenario's report line. */
    Map<String, Object> figures() {
        Map<String, Object> figures = new HashMap<>();
        figures.put("overlapSamples", samples);
        figures.put("previousKeysSampled", previousSeen);
        figures.put("latestOverlapCloseMillis", latest.toMillis());
        return figures;
    }

    long samples() {
        return samples;
    }

    long previousSeen() {
        return previousSeen;
    }

    List<String> violations() {
        return new ArrayList<>(violations);
    }

    @Override
    public void close() {
        sampling.shutdownNow();
    }
}
