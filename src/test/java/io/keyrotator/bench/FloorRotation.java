package io.keyrotator.bench;

import static io.keyrotator.bench.FloorSql.*;
import static io.keyrotator.bench.Jdbc.at;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/**
 * The floor: one forced rotation as a client with no framework makes it, sending exactly the Vault
 * calls and SQL statements keyrotator sends, in the same order, on one connection of its own. What
 * keyrotator adds on top of this (HTTP, Spring, the pool, JSON views) is its overhead.
 */
final class FloorRotation implements Load.Operation {

    private record Key(long id, String mount, String path, long cas, long overlapSeconds, long periodSeconds) {}

    private final Jdbc db;
    private final FloorVault vault;
    private final String name;
    private final Runnable wakeDispatcher;
    private final java.util.function.Consumer<Map<String, Object>> handOver;
    private Map<String, Object> row;
    private long lastWritten;
    private final String owner = "floor:" + UUID.randomUUID();
    private final SecureRandom random = new SecureRandom();

    FloorRotation(
            Jdbc db,
            FloorVault vault,
            String name,
            Runnable wakeDispatcher,
            java.util.function.Consumer<Map<String, Object>> handOver) {
        this.db = db;
        this.vault = vault;
        this.name = name;
        this.wakeDispatcher = wakeDispatcher;
        this.handOver = handOver;
    }

    @Override
    public void run() throws Exception {
        // keyrotator looks a key up by name once, then keeps its path (KnownKeys)
        if (row == null) {
            row = db.query(KEY_BY_NAME, name).get(0);
        }
        Key key = new Key(
                (Long) row.get("id"),
                (String) row.get("vault_mount"),
                (String) row.get("vault_path"),
                lastWritten > 0 ? lastWritten : (Long) row.get("last_vault_version"),
                (Long) row.get("overlap_seconds"),
                (Long) row.get("rotation_period_seconds"));
        JsonNode latest = vault.readLatest(key.mount(), key.path());
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        String fresh = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        String fingerprint = HexFormat.of()
                .formatHex(MessageDigest.getInstance("SHA-256").digest(fresh.getBytes(StandardCharsets.UTF_8)))
                .substring(0, 16);
        Instant now = Instant.now();
        Instant validUntil = now.plusSeconds(key.overlapSeconds());
        long[] began = begin(key, fingerprint, validUntil, now);
        long written = vault.write(key.mount(), key.path(), payload(latest, fresh, validUntil, now), key.cas());
        Map<String, Object> leased = confirm(key, began[0], began[1], written, validUntil);
        lastWritten = written;
        wakeDispatcher.run();
        handOver.accept(leased);
    }

    /** tx 1: returns the new version's id and the intent's id. */
    private long[] begin(Key key, String fingerprint, Instant validUntil, Instant now) throws Exception {
        db.begin(false);
        try {
            db.query(LOCK_KEY, key.id());
            db.query(ROTATION_CHECKS, key.id(), key.id(), key.id());
            long versionId = (Long) db.query(
                            INSERT_VERSION,
                            key.id(),
                            "PENDING",
                            fingerprint,
                            "MANUAL",
                            "floor",
                            "bench",
                            at(now),
                            key.id())
                    .get(0)
                    .get("id");
            long intentId = (Long) db.query(
                            INSERT_INTENT,
                            key.id(),
                            versionId,
                            "ROTATE",
                            owner,
                            60.0,
                            key.cas(),
                            fingerprint,
                            at(validUntil),
                            null,
                            at(now))
                    .get(0)
                    .get("id");
            db.commit();
            return new long[] {versionId, intentId};
        } catch (Exception e) {
            db.rollback();
            throw e;
        }
    }

    /**
     * tx 2: confirm the intent, promote the versions, schedule and lease the side effects, write the
     * outbox events from the rows the updates returned; returns the leased work (null: none).
     */
    private Map<String, Object> confirm(Key key, long versionId, long intentId, long written, Instant validUntil)
            throws Exception {
        Instant now = Instant.now();
        db.begin(false);
        try {
            db.update(CLOSE_INTENT, "DONE", "written", intentId, owner);
            db.query(LOCK_KEY, key.id());
            boolean dropped = db.update(RETIRE_PREVIOUS_AND_NEXT, at(now), key.id(), "PREVIOUS", "NEXT") > 0;
            db.query(RETIRE_CURRENT, at(validUntil), at(validUntil), at(validUntil), at(now), key.id());
            Map<String, Object> current =
                    db.query(BECOME_CURRENT, written, at(now), versionId).get(0);
            Map<String, Object> work = db.query(
                            RECORD_WRITE,
                            written,
                            at(now),
                            at(now.plusSeconds(key.periodSeconds())),
                            dropped,
                            written,
                            at(now),
                            30,
                            key.id(),
                            30)
                    .get(0);
            event(current, "key.rotated", written, now);
            if (dropped) {
                event(current, "key.previous_expired", written, now);
            }
            db.commit();
            return Boolean.TRUE.equals(work.get("leased")) ? work : null;
        } catch (Exception e) {
            db.rollback();
            throw e;
        }
    }

    private void event(Map<String, Object> current, String type, long written, Instant now) throws Exception {
        String payload =
                "{\"type\":\"%s\",\"timestamp\":\"%s\",\"data\":{\"key\":\"%s\",\"version\":%s,\"fingerprint\":\"%s\",\"vaultVersion\":%d}}"
                        .formatted(
                                type,
                                now.truncatedTo(ChronoUnit.SECONDS),
                                name,
                                current.get("version"),
                                current.get("fingerprint"),
                                written);
        db.update(INSERT_EVENT, UUID.randomUUID(), type, name, payload, at(now));
    }

    private static Map<String, Object> payload(JsonNode latest, String fresh, Instant validUntil, Instant now) {
        Map<String, Object> data = new LinkedHashMap<>();
        latest.path("data")
                .properties()
                .forEach(e -> data.put(e.getKey(), e.getValue().asString()));
        data.put("previous_api_key", data.get("api_key"));
        data.put("api_key", fresh);
        data.put(
                "previous_expires_at",
                validUntil.truncatedTo(ChronoUnit.SECONDS).toString());
        data.put("key_version", latest.path("metadata").path("version").asLong() + 1);
        data.put("rotated_at", now.truncatedTo(ChronoUnit.SECONDS).toString());
        return data;
    }
}
