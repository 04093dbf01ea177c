package io.keyrotator.leaks;

import io.keyrotator.rotation.KeyVersion;
import java.util.Optional;

/**
 * Whether a candidate string is a key keyrotator manages and that is still valid. The candidate is
 * found by its fingerprint through an index (constant work, no scan) and confirmed against the
 * secret's newest KV version in constant time, so a fingerprint collision never counts. The
 * candidate is never stored, logged or returned.
 */
public interface LiveKeys {

    /** The live key version whose value is {@code candidate}, if there is one. */
    Optional<Match> live(String candidate);

    /** A live value: the key's name, its version, and that version's state (CURRENT, NEXT or PREVIOUS). */
    record Match(String key, int version, KeyVersion.State state) {}
}
