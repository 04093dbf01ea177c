package io.keyrotator.verifier;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/** One key as this service holds it; both {@link KeyVerifier} and {@link KeyProvider}. */
final class HeldKey implements KeyVerifier, KeyProvider {

    private final String name;
    private final VerifierProperties.KeySpec spec;
    private final Clock clock;
    private final AtomicReference<@Nullable KeySnapshot> held = new AtomicReference<>();

    HeldKey(String name, VerifierProperties.KeySpec spec, Clock clock) {
        this.name = name;
        this.spec = spec;
        this.clock = clock;
    }

    @Override
    public String name() {
        return name;
    }

    VerifierProperties.KeySpec spec() {
        return spec;
    }

    @Nullable
    KeySnapshot snapshot() {
        return held.get();
    }

    @Override
    public java.util.OptionalInt version() {
        KeySnapshot keys = held.get();
        return keys == null ? java.util.OptionalInt.empty() : java.util.OptionalInt.of(keys.version());
    }

    @Override
    public java.util.OptionalInt heldVersion() {
        KeySnapshot keys = held.get();
        return keys == null ? java.util.OptionalInt.empty() : java.util.OptionalInt.of(keys.heldVersion());
    }

    /** Replaces the snapshot unless it is older than the one held; returns whether it changed. */
    boolean offer(KeySnapshot fresh) {
        while (true) {
            KeySnapshot current = held.get();
            if (current != null && current.vaultVersion() >= fresh.vaultVersion()) {
                return false;
            }
            if (held.compareAndSet(current, fresh)) {
                return true;
            }
        }
    }

    @Override
    public boolean accepts(@Nullable String presented) {
        KeySnapshot keys = held.get();
        if (keys == null || presented == null) {
            return false;
        }
        byte[] given = presented.getBytes(StandardCharsets.UTF_8);
        // every candidate is compared, whatever matched before: the time taken tells nothing
        boolean current = same(given, keys.current());
        boolean next = same(given, keys.next());
        // whether the window is open depends on the time only, never on what was presented
        Instant expires = keys.previousExpiresAt();
        boolean inWindow = expires != null && clock.instant().isBefore(expires);
        boolean previous = same(given, keys.previous()) & inWindow;
        return current | next | previous;
    }

    @Override
    public String current() {
        KeySnapshot keys = held.get();
        if (keys == null) {
            throw new IllegalStateException("key " + name + " not read from Vault yet");
        }
        return keys.current();
    }

    private static boolean same(byte[] given, @Nullable String candidate) {
        byte[] expected = candidate == null ? new byte[0] : candidate.getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(given, expected) && candidate != null;
    }
}
