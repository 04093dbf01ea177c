package io.keyrotator.rotation;

/** No key has that name. */
public final class KeyNotFoundException extends RuntimeException {

    private KeyNotFoundException(String message) {
        super(message);
    }

    public static KeyNotFoundException named(Object subject) {
        return new KeyNotFoundException("No key named %s.".formatted(subject));
    }
}
