package io.keyrotator.rotation;

/** Another rotation of the key did not finish within the rotation wait. */
public final class RotationInProgressException extends RuntimeException {

    private RotationInProgressException(String message) {
        super(message);
    }

    public static RotationInProgressException of(Object subject) {
        return new RotationInProgressException("Key %s is still rotating; try again shortly.".formatted(subject));
    }
}
