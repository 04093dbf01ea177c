package io.keyrotator.verifier;

import org.jspecify.annotations.Nullable;

/**
 * Accepts the keys a caller may present: {@code api_key}, {@code next_api_key} while a published
 * key waits, and {@code previous_api_key} until {@code previous_expires_at}, on this service's
 * clock. Compared in constant time; every check reads one {@link KeySnapshot}.
 */
public interface KeyVerifier {

    String name();

    boolean accepts(@Nullable String presented);

    /** What is held now, or null before the first read from Vault. */
    @Nullable
    KeySnapshot snapshot();
}
