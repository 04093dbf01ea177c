package io.keyrotator.rotation;

import java.util.List;

/** A request that breaks the contract's rules, with one message per offending field. */
public final class InvalidRequestException extends RuntimeException {

    private final List<FieldError> errors;

    private InvalidRequestException(List<FieldError> errors) {
        super("Invalid request: " + errors.stream().map(FieldError::field).toList());
        this.errors = List.copyOf(errors);
    }

    public static InvalidRequestException of(List<FieldError> errors) {
        return new InvalidRequestException(errors);
    }

    public static InvalidRequestException of(String field, String message) {
        return new InvalidRequestException(List.of(new FieldError(field, message)));
    }

    public List<FieldError> errors() {
        return errors;
    }

    public record FieldError(String field, String message) {}
}
