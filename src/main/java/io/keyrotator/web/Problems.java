package io.keyrotator.web;

import io.keyrotator.rotation.InvalidRequestException;
import io.keyrotator.rotation.KeyExistsException;
import io.keyrotator.rotation.NotInConflictException;
import io.keyrotator.rotation.RotationInProgressException;
import io.keyrotator.rotation.VaultPathOccupiedException;
import io.keyrotator.rotation.VaultPathTakenException;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import tools.jackson.databind.DatabindException;

/** The problem vocabulary: slugs, titles and field errors. */
final class Problems {

    private static final Map<String, String> TITLES = Map.ofEntries(
            Map.entry("validation", "Invalid request"),
            Map.entry("not-found", "Not found"),
            Map.entry("key-exists", "Key exists"),
            Map.entry("vault-path-taken", "Vault path taken"),
            Map.entry("vault-path-occupied", "Vault path occupied"),
            Map.entry("rotation-in-progress", "Rotation in progress"),
            Map.entry("vault-conflict", "Vault conflict"),
            Map.entry("not-in-conflict", "Not in conflict"),
            Map.entry("idempotency-mismatch", "Idempotency key reused"),
            Map.entry("rate-limited", "Too many rotations"),
            Map.entry("payload-too-large", "Payload too large"),
            Map.entry("vault-unavailable", "Vault unavailable"),
            Map.entry("unauthorized", "Unauthorized"),
            Map.entry("forbidden", "Forbidden"),
            Map.entry("method-not-allowed", "Method not allowed"),
            Map.entry("not-acceptable", "Not acceptable"),
            Map.entry("unsupported-media-type", "Unsupported media type"),
            Map.entry("internal-error", "Internal error"));

    private Problems() {}

    static String title(String slug) {
        return TITLES.getOrDefault(slug, "Error");
    }

    static String conflictSlug(RuntimeException e) {
        return switch (e) {
            case KeyExistsException x -> "key-exists";
            case VaultPathTakenException x -> "vault-path-taken";
            case VaultPathOccupiedException x -> "vault-path-occupied";
            case RotationInProgressException x -> "rotation-in-progress";
            case NotInConflictException x -> "not-in-conflict";
            default -> "vault-conflict";
        };
    }

    static String slugFor(HttpStatusCode status) {
        return switch (status.value()) {
            case 400 -> "validation";
            case 404 -> "not-found";
            case 405 -> "method-not-allowed";
            case 406 -> "not-acceptable";
            case 413 -> "payload-too-large";
            case 415 -> "unsupported-media-type";
            case 503 -> "vault-unavailable";
            default -> status.is4xxClientError() ? "validation" : "internal-error";
        };
    }

    static List<Map<String, String>> errors(List<InvalidRequestException.FieldError> errors) {
        return errors.stream()
                .map(e -> Map.of("field", e.field(), "message", e.message()))
                .toList();
    }

    /** Field errors of Spring MVC's exceptions, named the way the request names them. */
    static List<Map<String, String>> frameworkErrors(Exception ex) {
        if (ex instanceof HttpMessageNotReadableException unreadable
                && unreadable.getCause() instanceof DatabindException databind
                && !databind.getPath().isEmpty()) {
            String field = databind.getPath().stream()
                    .map(ref -> ref.getPropertyName() != null ? ref.getPropertyName() : "[" + ref.getIndex() + "]")
                    .reduce((a, b) -> b.startsWith("[") ? a + b : a + "." + b)
                    .orElse("body");
            return List.of(Map.of("field", field, "message", "missing, unknown or of the wrong type"));
        }
        if (ex instanceof HttpMessageNotReadableException) {
            return List.of(Map.of("field", "body", "message", "not readable as JSON"));
        }
        if (ex instanceof MethodArgumentTypeMismatchException mismatch) {
            return List.of(Map.of("field", mismatch.getName(), "message", "not a valid value"));
        }
        if (ex instanceof HandlerMethodValidationException validation) {
            return validation.getParameterValidationResults().stream()
                    .flatMap(result -> result.getResolvableErrors().stream()
                            .map(error -> Map.of(
                                    "field",
                                            String.valueOf(
                                                    result.getMethodParameter().getParameterName()),
                                    "message", String.valueOf(error.getDefaultMessage()))))
                    .toList();
        }
        return List.of();
    }
}
