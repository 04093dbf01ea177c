package io.keyrotator.verifier;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * Every key this service holds, by keyrotator's key name. Each is also a bean of its own, named
 * {@code keyVerifier.<name>}, so a service with one key injects {@link KeyVerifier} or
 * {@link KeyProvider} directly.
 */
public final class KeyVerifiers {

    private final Map<String, HeldKey> keys = new LinkedHashMap<>();

    KeyVerifiers(Collection<HeldKey> keys) {
        keys.forEach(key -> this.keys.put(key.name(), key));
    }

    public KeyVerifier verifier(String name) {
        return held(name);
    }

    public KeyProvider provider(String name) {
        return held(name);
    }

    HeldKey held(String name) {
        HeldKey key = keys.get(name);
        if (key == null) {
            throw new NoSuchElementException("no key " + name + " in keyrotator.verifier.keys");
        }
        return key;
    }

    List<HeldKey> all() {
        return List.copyOf(keys.values());
    }
}
