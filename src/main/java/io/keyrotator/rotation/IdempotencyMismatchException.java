package io.keyrotator.rotation;

/** An {@code Idempotency-Key} was used again with a different request body. */
public final class IdempotencyMismatchException extends RuntimeException {

    private IdempotencyMismatchException(String message) {
        super(message);
    }

    public static IdempotencyMismatchException of(String idempotencyKey) {
        return new IdempotencyMismatchException(
                "Idempotency-Key '%s' was first used with a different request.".formatted(idempotencyKey));
    }
}
