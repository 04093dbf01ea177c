package io.keyrotator.rotation;

/** A key with that name is already registered. */
public final class KeyExistsException extends RuntimeException {

    private KeyExistsException(String message) {
        super(message);
    }

    public static KeyExistsException named(Object subject) {
        return new KeyExistsException("A key named %s already exists.".formatted(subject));
    }
}
