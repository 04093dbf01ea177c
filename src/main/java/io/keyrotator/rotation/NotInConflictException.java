package io.keyrotator.rotation;

/** Adoption was asked for a key that is not in CONFLICT. */
public final class NotInConflictException extends RuntimeException {

    private NotInConflictException(String message) {
        super(message);
    }

    public static NotInConflictException of(Object subject) {
        return new NotInConflictException("Key %s is not in CONFLICT.".formatted(subject));
    }
}
