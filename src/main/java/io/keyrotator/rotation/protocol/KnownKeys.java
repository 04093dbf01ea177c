package io.keyrotator.rotation.protocol;

import io.keyrotator.rotation.ManagedKey;
import io.keyrotator.rotation.store.KeyRecords;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * The keys a forced rotation has already looked up by name, so the request path needs no read of
 * its own before the Vault read: the path and field never change, and the first transaction
 * re-checks what may (the key still exists, its generator, its state) under the row lock and has
 * the entry dropped when it differs ({@link Begin.Changed}).
 */
@Component
class KnownKeys {

    private static final int MOST_KEPT = 100_000;

    private final KeyRecords keys;
    private final Map<String, ManagedKey> byName = new ConcurrentHashMap<>();

    KnownKeys(KeyRecords keys) {
        this.keys = keys;
    }

    Optional<ManagedKey> find(String name) {
        ManagedKey known = byName.get(name);
        if (known != null) {
            return Optional.of(known);
        }
        Optional<ManagedKey> found = keys.findByName(name);
        found.ifPresent(key -> {
            if (byName.size() >= MOST_KEPT) {
                byName.clear();
            }
            byName.put(name, key);
        });
        return found;
    }

    void forget(String name) {
        byName.remove(name);
    }
}
