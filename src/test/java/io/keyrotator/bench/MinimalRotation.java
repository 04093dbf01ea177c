package io.keyrotator.bench;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * The least a crash-safe rotation needs, as a client with no framework does it: read the latest KV
 * version, write the new key with check-and-set on it, then commit one row recording the written
 * version and its fingerprint (what recovery would compare Vault with). Two Vault calls, one
 * commit, no intent, no outbox, no side effects. This is the floor keyrotator is measured against.
 */
final class MinimalRotation implements Load.Operation {

    private static final String RECORD = "INSERT INTO key_version (key_id, version, state, vault_version,"
            + " fingerprint, trigger, actor, created_at, retired_at) VALUES (?, ?, 'RETIRED', ?, ?, 'MANUAL',"
            + " 'minimal', now(), now())";

    private final Jdbc db;
    private final FloorVault vault;
    private final long keyId;
    private final String mount;
    private final String path;
    private final SecureRandom random = new SecureRandom();

    MinimalRotation(Jdbc db, FloorVault vault, String name) throws Exception {
        this.db = db;
        this.vault = vault;
        Map<String, Object> key = db.query("SELECT id, vault_mount, vault_path FROM managed_key WHERE name = ?", name)
                .get(0);
        this.keyId = (Long) key.get("id");
        this.mount = (String) key.get("vault_mount");
        this.path = (String) key.get("vault_path");
    }

    @Override
    public void run() throws Exception {
        JsonNode latest = vault.readLatest(mount, path);
        long cas = latest.path("metadata").path("version").asLong();
        String fresh = fresh();
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("api_key", fresh);
        data.put("previous_api_key", latest.path("data").path("api_key").asString());
        long written = vault.write(mount, path, data, cas);
        db.update(RECORD, keyId, (int) written + 1_000_000, written, fingerprint(fresh));
    }

    String fresh() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static String fingerprint(String key) throws Exception {
        return HexFormat.of()
                .formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)))
                .substring(0, 16);
    }
}
