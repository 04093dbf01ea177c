package io.keyrotator.reliability;

import io.keyrotator.rotation.protocol.KeyMaterial;
import io.keyrotator.support.Api;
import io.keyrotator.support.Harvest;
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
 * The seven invariants of the architecture, checked by comparing what OpenBao holds, what the
 * database holds, what the API says and what the receiver got. Every comparison counts as a check;
 * every disagreement is a violation with the key it concerns.
 */
final class Invariants {

    private static final long SEND_TIMEOUT_NANOS = Stack.WEBHOOK_TIMEOUT.toNanos();

    private final JdbcClient db;
    private final OpenBaoAdmin vault;
    private final Receiver receiver;
    private final List<Long> kills;
    private final List<String> violations = new ArrayList<>();
    private @Nullable OverlapSampler sampler;
    private int checks;
    private int duplicates;

    Invariants(JdbcClient db, OpenBaoAdmin vault, Receiver receiver, List<Long> kills) {
        this.db = db;
        this.vault = vault;
        this.receiver = receiver;
        this.kills = kills;
    }

    /** Adds what {@code overlaps} found while the scenario ran to this check's violations. */
    Invariants overlapsWhileRunning(OverlapSampler overlaps) {
        this.sampler = overlaps;
        return this;
    }

    /**
     * The scenario had overlaps that the sampler saw open, so its timeliness check had something to
     * check; without this, a scenario whose overlaps all closed between samples would pass vacuously.
     */
    Invariants overlapsWereSampled() {
        OverlapSampler overlaps = java.util.Objects.requireNonNull(sampler);
        check(overlaps.previousSeen() > 0, "-", "the sampler never saw an open overlap in OpenBao");
        return this;
    }

    record KeyRow(long id, String name, String mount, String path, String field, String state, long lastVaultVersion) {}

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
                                + " last_vault_version FROM managed_key ORDER BY id")
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
        Map<String, Object> data = (Map<String, Object>)
                ((Map<String, Object>) vault.call("GET", key.mount() + "/data/" + key.path(), null)
                                .get("data"))
                        .get("data");
        destroyed(key, versions, kvCurrent, data, (Map<String, Object>) metadata.get("versions"));
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
        Harvest.key(data.get(key.field()));
        Harvest.key(data.get("previous_" + key.field()));
        Harvest.key(data.get("next_" + key.field()));
    }

    /**
     * Which KV versions must be destroyed, found from OpenBao and the recorded fingerprints alone (not
     * from the service's own watermark): the keys still valid are those in the newest KV version;
     * every older version that can still be read and holds any other key must have been destroyed.
     */
    @SuppressWarnings("unchecked")
    private void destroyed(
            KeyRow key,
            List<VersionRow> versions,
            long kvCurrent,
            Map<String, Object> latest,
            Map<String, Object> kvVersions) {
        Set<String> valid = fingerprints(key, latest);
        Map<String, Integer> versionOf =
                versions.stream().collect(Collectors.toMap(VersionRow::fingerprint, VersionRow::version, (a, b) -> a));
        for (var entry : kvVersions.entrySet()) {
            long number = Long.parseLong(entry.getKey());
            Map<String, Object> kv = (Map<String, Object>) entry.getValue();
            boolean gone = Boolean.TRUE.equals(kv.get("destroyed"))
                    || !String.valueOf(kv.get("deletion_time")).isEmpty();
            if (number == kvCurrent || gone) {
                continue;
            }
            Map<String, Object> older = (Map<String, Object>) ((Map<String, Object>)
                            vault.call("GET", key.mount() + "/data/" + key.path() + "?version=" + number, null)
                                    .get("data"))
                    .get("data");
            for (String fingerprint : fingerprints(key, older)) {
                check(
                        valid.contains(fingerprint),
                        key.name(),
                        "KV version " + number + " still holds v" + versionOf.get(fingerprint)
                                + ", a key no longer valid, and is not destroyed");
            }
        }
    }

    private static Set<String> fingerprints(KeyRow key, @Nullable Map<String, Object> data) {
        Set<String> found = new HashSet<>();
        if (data != null) {
            for (String field : List.of(key.field(), "previous_" + key.field(), "next_" + key.field())) {
                String fingerprint = fingerprint(data.get(field));
                if (fingerprint != null) {
                    found.add(fingerprint);
                }
                Harvest.key(data.get(field));
            }
        }
        return found;
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
        duplicates();
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
     * No webhook-id reached one subscription twice, unless a service was SIGKILLed between the two
     * receipts: the README promises that replicas never send the same attempt at once, and that a
     * delivery is sent again only when its sender died before recording the receiver's 2xx.
     */
    private void duplicates() {
        Map<String, Long> lastReceipt = new java.util.HashMap<>();
        List<Receiver.Delivery> deliveries = receiver.deliveries().stream()
                .sorted(java.util.Comparator.comparingLong(Receiver.Delivery::receivedAtNanos))
                .toList();
        for (Receiver.Delivery delivery : deliveries) {
            Long before = lastReceipt.put(delivery.path() + " " + delivery.webhookId(), delivery.receivedAtNanos());
            if (before != null) {
                duplicates++;
                // the sender may die with its request still on the wire, before the first receipt:
                // a kill counts from one webhook timeout before the first receipt
                long sentBy = before - SEND_TIMEOUT_NANOS;
                boolean killedBetween =
                        kills.stream().anyMatch(kill -> kill > sentBy && kill < delivery.receivedAtNanos());
                check(
                        killedBetween,
                        String.valueOf(delivery.key()),
                        "webhook " + delivery.webhookId() + " reached " + delivery.path()
                                + " twice with no crash in between");
            }
        }
    }

    /** How many deliveries repeated one a subscription had already received (after a crash). */
    int duplicateDeliveries() {
        return duplicates;
    }

    /**
     * No key that OpenBao holds appears in a process log. Keys are made of {@code [A-Za-z0-9_-]}, so
     * the log is cut into words of those characters and every word is looked up (a substring search
     * per key would take hours on the backlog's logs).
     */
    Invariants noKeyIn(List<Path> logs) throws Exception {
        Set<String> secrets = new HashSet<>(Harvest.keys());
        secrets.addAll(Harvest.secrets());
        for (Path log : logs) {
            check(Files.exists(log), log.getFileName().toString(), "the log is missing");
            if (Files.exists(log)) {
                Set<String> leaked = Harvest.foundIn(log, secrets);
                check(
                        leaked.isEmpty(),
                        log.getFileName().toString(),
                        leaked.size() + " secret values appear in the log");
            }
        }
        return this;
    }

    int checks() {
        return checks + (sampler == null ? 0 : (int) sampler.samples());
    }

    List<String> violations() {
        List<String> all = new ArrayList<>(violations);
        if (sampler != null) {
            all.addAll(sampler.violations());
        }
        return List.copyOf(all);
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
}
