package io.keyrotator.bench;

import static io.keyrotator.bench.FloorSql.DESTROY_BELOW;
import static io.keyrotator.bench.FloorSql.KEY_BY_ID;
import static io.keyrotator.bench.FloorSql.MARK_DESTROYED;
import static io.keyrotator.bench.FloorSql.MARK_SYNCED;
import static io.keyrotator.bench.FloorSql.VERSION_IN_STATE;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/** The floor's copy of keyrotator's {@code VaultSync}: the same calls and statements after tx 2. */
final class FloorSync {

    private final Jdbc db;
    private final FloorVault vault;

    FloorSync(Jdbc db, FloorVault vault) {
        this.db = db;
        this.vault = vault;
    }

    /** After tx 2: destroy what is no longer valid, then custom_metadata, each recorded when done. */
    void sync(long keyId, String mount, String path, long written) throws Exception {
        db.query(KEY_BY_ID, keyId);
        long below = db.single(DESTROY_BELOW, keyId);
        if (below > 0) {
            List<Long> readable = new ArrayList<>();
            vault.metadata(mount, path).path("versions").properties().forEach(e -> {
                long version = Long.parseLong(e.getKey());
                if (version < below && !e.getValue().path("destroyed").asBoolean()) {
                    readable.add(version);
                }
            });
            if (!readable.isEmpty()) {
                vault.destroy(mount, path, readable);
            }
            db.update(MARK_DESTROYED, below, keyId);
        }
        Map<String, String> custom = new LinkedHashMap<>();
        custom.put("managed-by", "keyrotator");
        Map<String, Object> current =
                db.query(VERSION_IN_STATE, keyId, "CURRENT").get(0);
        custom.put("key-version", current.get("version").toString());
        custom.put("fingerprint", (String) current.get("fingerprint"));
        custom.put("trigger", "manual");
        db.query(VERSION_IN_STATE, keyId, "PREVIOUS");
        JsonNode metadata = vault.metadata(mount, path);
        vault.writeMetadata(mount, path, metadata, custom);
        db.update(MARK_SYNCED, keyId, written);
    }
}
