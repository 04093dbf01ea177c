package io.keyrotator.verifier;

/** For services that present a key rather than verify it: the current {@code api_key}. */
public interface KeyProvider {

    String name();

    /** The current key; throws before the first read from Vault succeeded. */
    String current();
}
