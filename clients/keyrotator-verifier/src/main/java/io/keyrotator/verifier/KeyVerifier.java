package io.keyrotator.verifier;

import org.jspecify.annotations.Nullable;

/**
 * Accepts the keys a caller may present: {@code api_key}, {@code next_api_key} while a published
 * key waits, and {@code previous_api_key} until {@code previous_expires_at}, on this service's
 * clock. Compared in constant time; every check reads one snapshot of one KV version, never key
 * material that could leak through an accessor.
 */
public interface KeyVerifier {

    String name();

    boolean accepts(@Nullable String presented);

    /** keyrotator's {@code key_version} of the current key held; empty before the first read. */
    java.util.OptionalInt version();

    /** The newest version accepted (a published key's): what this instance acknowledges. */
    java.util.OptionalInt heldVersion();
}
