package io.keyrotator.reliability;

import io.keyrotator.rotation.KeyMaterial;
import io.keyrotator.support.Api;
import io.keyrotator.support.OpenBaoAdmin;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The seven invariants of architecture.md, checked by comparing what OpenBao holds, what the
 * database holds, what the API says and what the receiver got. Every comparison counts as a check;
 * every disagreement is a violation with the key it concerns.
 */
final class Invariants {

    private final JdbcClient db;
    private final OpenBaoAdmin vault;
    private final Receiver receiver;
    private final List<String> violations = new ArrayList<>();
    private int checks;

    Invariants(JdbcClient db, OpenBaoAdmin vault, Receiver receiver) {
        this.db = db;
        this.vault = vault;
        this.receiver = receiver;
    }

    record KeyRow(
            long id,
            String name,
            String mount,
            String path,
            String field,
            String state,
            long lastVaultVersion,
            long destroyBelow,
            long destroyedBelow) {}

    record VersionRow(
            int version,
            String state,
            @Nullable Long vaultVersion,
            String fingerprint,
            @Nullable Instant validUntil) {}

    /**
     * Checks every key against OpenBao and the API; {@code overlapSlack} is how long past its
     * {@code validUntil} a previous key may still be valid (a poll interval and a margin).
     */
    Invariants keys(Api api, Instant now, Duration overlapSlack) {
        List<KeyRow> keys = db.sql(
                        "SELECT id, name, vault_mount AS mount, vault_path AS path, vault_field AS field, state,"
                                + " last_vault_version, destroy_below, destroyed_below FROM managed_key ORDER BY id")
                .query(KeyRow.class)
                .list();
        for (KeyRow key : keys) {
            List<VersionRow> versions = db.sql("SELECT version, state, vault_version, fingerprint, valid_until"
                            + " FROM key_version WHERE key_id = ? ORDER BY version")
                    .param(key.id())
                    .query(VersionRow.class)
                    .list();
            database(key, versions, now, overlapSlack);
            vault(key, versions);
            api(key, versions, api);
        }
        int open = db.sql("SELECT count(*) FROM vault_write_intent WHERE state = 'PENDING'")
                .query(Integer.class)
                .single();
        check(open == 0, "-", open + " write intents still PENDING");
        return this;
    }

    private void database(KeyRow key, List<VersionRow> versions, Instant now, Duration overlapSlack) {
        check(!key.state().equals("CONFLICT"), key.name(), "key in CONFLICT");
        long current =
                versions.stream().filter(v -> v.state().equals("CURRENT")).count();
        check(current == 1, key.name(), current + " CURRENT versions");
        long previous =
                versions.stream().filter(v -> v.state().equals("PREVIOUS")).count();
        check(previous <= 1, key.name(), previous + " PREVIOUS versions: more than two valid keys");
        check(versions.stream().noneMatch(v -> v.state().equals("PENDING")), key.name(), "a version still PENDING");
        for (int i = 0; i < versions.size(); i++) {
            check(versions.get(i).version() == i + 1, key.name(), "version numbers skip: " + numbers(versions));
        }
        long lastVault = 0;
        for (VersionRow version : versions) {
            if (version.vaultVersion() != null && !version.state().equals("FAILED")) {
                check(version.vaultVersion() > lastVault, key.name(), "KV versions not increasing: " + versions);
                lastVault = version.vaultVersion();
            }
            if (version.state().equals("PREVIOUS") && version.validUntil() != null) {
                check(
                        !version.validUntil().plus(overlapSlack).isBefore(now),
                        key.name(),
                        "overlap of v" + version.version() + " outlived validUntil " + version.validUntil());
            }
        }
        check(key.destroyedBelow() >= key.destroyBelow(), key.name(), "superseded KV versions not destroyed yet");
    }

    @SuppressWarnings("unchecked")
    private void vault(KeyRow key, List<VersionRow> versions) {
        Map<String, Object> metadata = (Map<String, Object>)
                vault.call("GET", key.mount() + "/metadata/" + key.path(), null).get("data");
        long kvCurrent = ((Number) metadata.get("current_version")).longValue();
        check(
                kvCurrent == key.lastVaultVersion(),
                key.name(),
                "OpenBao is at KV version " + kvCurrent + ", the database expects " + key.lastVaultVersion());
        Map<String, Object> kvVersions = (Map<String, Object>) metadata.get("versions");
        for (var entry : kvVersions.entrySet()) {
            long number = Long.parseLong(entry.getKey());
            boolean destroyed = Boolean.TRUE.equals(((Map<String, Object>) entry.getValue()).get("destroyed"));
            if (number < key.destroyBelow()) {
                check(destroyed, key.name(), "KV version " + number + " holds an invalid key and is not destroyed");
            }
        }
        Map<String, Object> data = (Map<String, Object>)
                ((Map<String, Object>) vault.call("GET", key.mount() + "/data/" + key.path(), null)
                                .get("data"))
                        .get("data");
        String fingerprint = fingerprint(data.get(key.field()));
        Set<String> currentFingerprints = versions.stream()
                .filter(v -> v.state().equals("CURRENT"))
                .map(VersionRow::fingerprint)
                .collect(Collectors.toSet());
        check(currentFingerprints.contains(fingerprint), key.name(), "OpenBao's newest key is not the CURRENT version");
        String previous = fingerprint(data.get("previous_" + key.field()));
        Set<String> previousFingerprints = versions.stream()
                .filter(v -> v.state().equals("PREVIOUS"))
                .map(VersionRow::fingerprint)
                .collect(Collectors.toSet());
        check(
                previous == null ? previousFingerprints.isEmpty() : previousFingerprints.contains(previous),
                key.name(),
                "previous_" + key.field() + " in OpenBao does not match the PREVIOUS version");
        LiveKeys.remember(data.get(key.field()));
        LiveKeys.remember(data.get("previous_" + key.field()));
    }

    private void api(KeyRow key, List<VersionRow> versions, Api api) {
        Map<String, Object> view = api.get("/api/v1/keys/" + key.name()).json();
        VersionRow current = versions.stream()
                .filter(v -> v.state().equals("CURRENT"))
                .findFirst()
                .orElse(null);
        check(
                current != null
                        && Objects.equals(view.get("currentVersion"), current.version())
                        && Objects.equals(view.get("currentFingerprint"), current.fingerprint()),
                key.name(),
                "the API shows version " + view.get("currentVersion") + ", the database " + current);
    }

    /** Every rotation has exactly one key.rotated event, and the receiver got every event that was due to it. */
    Invariants events(Set<String> eventTypesDelivered) {
        List<Map<String, Object>> rotated = db.sql("""
                        SELECT k.name, v.version, (SELECT count(*) FROM webhook_event e WHERE e.type = 'key.rotated'
                            AND e.key_name = k.name AND (e.payload::jsonb -> 'data' ->> 'version')::int = v.version) AS events
                        FROM key_version v JOIN managed_key k ON k.id = v.key_id
                        WHERE v.version > 1 AND v.state IN ('CURRENT', 'PREVIOUS', 'RETIRED') AND v.activated_at IS NOT NULL
                        """).query().listOfRows();
        for (Map<String, Object> row : rotated) {
            check(
                    ((Number) row.get("events")).intValue() == 1,
                    (String) row.get("name"),
                    "v" + row.get("version") + " has " + row.get("events") + " key.rotated events");
        }
        Set<String> received = receiver.deliveries().stream()
                .map(Receiver.Delivery::webhookId)
                .collect(Collectors.toCollection(HashSet::new));
        List<Map<String, Object>> events = db.sql("SELECT id::text AS id, type, key_name FROM webhook_event")
                .query()
                .listOfRows();
        for (Map<String, Object> event : events) {
            if (eventTypesDelivered.contains((String) event.get("type"))) {
                check(
                        received.contains((String) event.get("id")),
                        String.valueOf(event.get("key_name")),
                        event.get("type") + " event " + event.get("id") + " never reached the receiver");
            }
        }
        Set<String> known = events.stream().map(e -> (String) e.get("id")).collect(Collectors.toSet());
        for (String id : received) {
            check(known.contains(id), "-", "the receiver got " + id + ", which is no event");
        }
        return this;
    }

    /**
     * No key that OpenBao holds appears in a process log. Keys are made of {@code [A-Za-z0-9_-]}, so
     * the log is cut into words of those characters and every word is looked up (a substring search
     * per key would take hours on the backlog's logs).
     */
    Invariants noKeyIn(List<Path> logs) throws Exception {
        Set<String> keys = LiveKeys.all();
        for (Path log : logs) {
            if (!Files.exists(log)) {
                continue;
            }
            try (var lines = Files.lines(log)) {
                long leaked = lines.flatMap(line -> java.util.Arrays.stream(line.split("[^A-Za-z0-9_-]+")))
                        .filter(keys::contains)
                        .count();
                check(leaked == 0, log.getFileName().toString(), leaked + " key values appear in the log");
            }
        }
        return this;
    }

    int checks() {
        return checks;
    }

    List<String> violations() {
        return List.copyOf(violations);
    }

    private void check(boolean holds, String key, String violation) {
        checks++;
        if (!holds && violations.size() < 50) {
            violations.add(key + ": " + violation);
        }
    }

    private static @Nullable String fingerprint(@Nullable Object value) {
        return value == null ? null : KeyMaterial.fingerprintOf(value.toString());
    }

    private static String numbers(List<VersionRow> versions) {
        return versions.stream().map(v -> v.version() + ":" + v.state()).collect(Collectors.joining(","));
    }

    /** Key values read from OpenBao during checks, kept only in this JVM's memory to scan logs with. */
    private static final class LiveKeys {
        private static final Set<String> KEYS = java.util.concurrent.ConcurrentHashMap.newKeySet();

        static void remember(@Nullable Object value) {
            if (value != null) {
                KEYS.add(value.toString());
            }
        }

        static Set<String> all() {
            return Set.copyOf(KEYS);
        }
    }
}
