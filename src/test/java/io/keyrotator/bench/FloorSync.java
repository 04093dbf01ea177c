package io.keyrotator.bench;

import java.sql.Connection;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

/**
 * The floor's copy of keyrotator's {@code VaultSync}: handed the work each confirming write leased,
 * one pass does it with no claim (a claim only when a settle left keys pending, or every 5 s), destroys the versions between the watermarks and
 * merge-patches custom_metadata for each, and settles the batch in one more transaction, on a
 * connection of its own, off the rotation's latency as in keyrotator.
 */
final class FloorSync implements AutoCloseable {

    /** The columns of one key's work, as keyrotator's {@code SyncRecords.WORK}. */
    static final String WORK = """
            k.id, k.vault_mount, k.vault_path, k.destroy_below, k.destroyed_below,
                k.last_vault_version, k.metadata_synced, k.last_rotated_at,
                (SELECT v.version FROM key_version v
                    WHERE v.key_id = k.id AND v.state = 'CURRENT' ORDER BY v.version DESC LIMIT 1) AS version,
                (SELECT v.fingerprint FROM key_version v
                    WHERE v.key_id = k.id AND v.state = 'CURRENT' ORDER BY v.version DESC LIMIT 1) AS fingerprint,
                (SELECT v.trigger FROM key_version v
                    WHERE v.key_id = k.id AND v.state = 'CURRENT' ORDER BY v.version DESC LIMIT 1) AS trigger,
                (SELECT v.valid_until FROM key_version v
                    WHERE v.key_id = k.id AND v.state = 'PREVIOUS' ORDER BY v.version DESC LIMIT 1) AS until""";

    static final String CLAIM = """
            WITH due AS (
                SELECT id FROM managed_key
                WHERE (NOT metadata_synced OR destroy_below > destroyed_below)
                    AND (sync_after IS NULL OR sync_after <= now())
                ORDER BY sync_after NULLS FIRST, id
                LIMIT ? FOR UPDATE SKIP LOCKED)
            UPDATE managed_key k SET sync_after = now() + make_interval(secs => ?)
            FROM due WHERE k.id = due.id
            RETURNING """ + WORK;
    /** Settles a batch: keys a rotation holds are left out, for a second round that waits for them. */
    static final String DONE = """
            WITH d AS (SELECT * FROM unnest(?::bigint[], ?::bigint[], ?::bigint[]) AS d(id, below, version)),
            locked AS (
                SELECT k.id FROM managed_key k JOIN d ON d.id = k.id
                ORDER BY k.id FOR UPDATE OF k %s
            )
            UPDATE managed_key k
            SET destroyed_below = GREATEST(k.destroyed_below, d.below),
                metadata_synced = k.metadata_synced OR k.last_vault_version = d.version,
                sync_after = NULL, sync_failures = 0
            FROM d JOIN locked ON locked.id = d.id
            WHERE k.id = d.id
            RETURNING k.id, k.metadata_synced""";
    /** The leak worker's answer to each batch's destroyed versions, a statement per key. */
    static final String LEAKS_DESTROYED = "UPDATE leak_report SET destroyed_at = ? WHERE key_id = ?"
            + " AND destroyed_at IS NULL AND destroy_below IS NOT NULL AND destroy_below <= ?";

    private final Connection connection;
    private final Jdbc db;
    private final FloorVault vault;
    private final Semaphore wakeUp = new Semaphore(0);
    private final Thread loop;
    private volatile boolean running = true;
    private final java.util.concurrent.ConcurrentLinkedQueue<Map<String, Object>> handed =
            new java.util.concurrent.ConcurrentLinkedQueue<>();
    private long lastClaimNanos = System.nanoTime();

    FloorSync(Connection connection, FloorVault vault) {
        this.connection = connection;
        this.db = new Jdbc(connection);
        this.vault = vault;
        this.loop = Thread.ofPlatform().name("floor-sync").start(this::loop);
    }

    /** The work keyrotator's confirming write leased and hands to its worker (null: none was leased). */
    void handOver(Map<String, Object> work) {
        if (work != null) {
            handed.add(work);
            wakeUp.release();
        }
    }

    @Override
    public void close() throws Exception {
        running = false;
        wakeUp.release();
        loop.join();
        connection.close();
    }

    private void loop() {
        while (running) {
            try {
                wakeUp.tryAcquire(5, TimeUnit.SECONDS);
                wakeUp.drainPermits();
                if (running) {
                    pass();
                }
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                // the next pass claims again once the lease has run out
                try {
                    db.rollback();
                } catch (Exception ignored) {
                    // the next pass starts afresh
                }
            }
        }
    }

    /** Handed-over work first; a claim when a settle left keys pending or the poll interval passed. */
    private void pass() throws Exception {
        List<Map<String, Object>> batch = new ArrayList<>();
        for (Map<String, Object> work = handed.poll(); work != null; work = handed.poll()) {
            batch.add(work);
        }
        int pending = batch.isEmpty() ? 0 : work(batch);
        if (pending > 0 || System.nanoTime() - lastClaimNanos >= TimeUnit.SECONDS.toNanos(5)) {
            lastClaimNanos = System.nanoTime();
            work(db.query(CLAIM, 100, 30));
        }
    }

    /** Does the batch's Vault work and settles it; returns how many keys were left pending. */
    private int work(List<Map<String, Object>> claimed) throws Exception {
        List<Long> ids = new ArrayList<>();
        List<Long> below = new ArrayList<>();
        List<Long> versions = new ArrayList<>();
        for (Map<String, Object> work : claimed) {
            String mount = (String) work.get("vault_mount");
            String path = (String) work.get("vault_path");
            long destroyBelow = (Long) work.get("destroy_below");
            long destroyedBelow = (Long) work.get("destroyed_below");
            if (destroyBelow > destroyedBelow) {
                vault.destroy(
                        mount,
                        path,
                        LongStream.range(Math.max(1, destroyedBelow), destroyBelow)
                                .boxed()
                                .toList());
            }
            Map<String, Object> custom = new LinkedHashMap<>();
            custom.put("managed-by", "keyrotator");
            custom.put("key-version", String.valueOf(work.get("version")));
            custom.put("fingerprint", work.get("fingerprint"));
            custom.put("trigger", "manual");
            custom.put("rotated-at", String.valueOf(work.get("last_rotated_at")));
            custom.put("previous-expires-at", work.get("until") == null ? null : String.valueOf(work.get("until")));
            vault.patchMetadata(mount, path, custom);
            ids.add((Long) work.get("id"));
            below.add(destroyBelow);
            versions.add((Long) work.get("last_vault_version"));
        }
        if (ids.isEmpty()) {
            return 0;
        }
        // keyrotator settles the batch and answers the leak records in one transaction, skipping the
        // keys a rotation holds, then the skipped ones in a second transaction that waits for them
        int pending = 0;
        List<Map<String, Object>> rest = claimed.stream()
                .filter(work -> ids.contains((Long) work.get("id")))
                .toList();
        for (int round = 0; round < 2 && !rest.isEmpty(); round++) {
            List<Long> roundIds = new ArrayList<>();
            List<Long> roundBelow = new ArrayList<>();
            List<Long> roundVersions = new ArrayList<>();
            for (Map<String, Object> work : rest) {
                int i = ids.indexOf((Long) work.get("id"));
                roundIds.add(ids.get(i));
                roundBelow.add(below.get(i));
                roundVersions.add(versions.get(i));
            }
            db.begin(false);
            java.util.Set<Long> settled = new java.util.HashSet<>();
            for (Map<String, Object> row : db.query(
                    DONE.formatted(round == 0 ? "SKIP LOCKED" : ""),
                    array(roundIds),
                    array(roundBelow),
                    array(roundVersions))) {
                settled.add((Long) row.get("id"));
                pending += Boolean.TRUE.equals(row.get("metadata_synced")) ? 0 : 1;
            }
            for (Map<String, Object> work : rest) {
                if (settled.contains((Long) work.get("id"))
                        && (Long) work.get("destroy_below") > (Long) work.get("destroyed_below")) {
                    db.update(
                            LEAKS_DESTROYED,
                            Jdbc.at(java.time.Instant.now()),
                            work.get("id"),
                            work.get("destroy_below"));
                }
            }
            db.commit();
            rest = rest.stream()
                    .filter(work -> !settled.contains((Long) work.get("id")))
                    .toList();
        }
        return pending;
    }

    private static String array(List<Long> values) {
        return values.stream().map(String::valueOf).collect(Collectors.joining(",", "{", "}"));
    }
}
