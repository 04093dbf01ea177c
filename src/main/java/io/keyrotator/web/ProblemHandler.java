package io.keyrotator.web;

import io.keyrotator.rotation.IdempotencyMismatchException;
import io.keyrotator.rotation.InvalidRequestException;
import io.keyrotator.rotation.KeyExistsException;
import io.keyrotator.rotation.KeyNotFoundException;
import io.keyrotator.rotation.NotInConflictException;
import io.keyrotator.rotation.RateLimitedException;
import io.keyrotator.rotation.RotationInProgressException;
import io.keyrotator.rotation.VaultConflictException;
import io.keyrotator.rotation.VaultPathOccupiedException;
import io.keyrotator.rotation.VaultPathTakenException;
import io.keyrotator.vault.SecretStoreException;
import io.keyrotator.webhooks.InvalidWebhookException;
import io.keyrotator.webhooks.WebhookNotFoundException;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * Turns every error into {@code application/problem+json} with a stable {@code type} per cause
 * (docs/contract.md#problem-types). Details are ours: never a stack trace, an SQL or Vault text, or
 * key material.
 */
@RestControllerAdvice
class ProblemHandler extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemHandler.class);

    @ExceptionHandler({
        KeyNotFoundException.class,
        WebhookNotFoundException.class,
        io.keyrotator.leaks.LeakNotFoundException.class,
        io.keyrotator.jobs.JobNotFoundException.class
    })
    ResponseEntity<Object> notFound(RuntimeException e, WebRequest request) {
        return problem(HttpStatus.NOT_FOUND, "not-found", e.getMessage(), request);
    }

    @ExceptionHandler({
        KeyExistsException.class,
        VaultPathTakenException.class,
        VaultPathOccupiedException.class,
        RotationInProgressException.class,
        VaultConflictException.class,
        NotInConflictException.class
    })
    ResponseEntity<Object> conflict(RuntimeException e, WebRequest request) {
        return problem(HttpStatus.CONFLICT, Problems.conflictSlug(e), e.getMessage(), request);
    }

    @ExceptionHandler(io.keyrotator.leaks.InvalidSignatureException.class)
    ResponseEntity<Object> invalidSignature(io.keyrotator.leaks.InvalidSignatureException e, WebRequest request) {
        return problem(HttpStatus.UNAUTHORIZED, "invalid-signature", e.getMessage(), request);
    }

    @ExceptionHandler(IdempotencyMismatchException.class)
    ResponseEntity<Object> idempotencyMismatch(IdempotencyMismatchException e, WebRequest request) {
        return problem(HttpStatus.UNPROCESSABLE_CONTENT, "idempotency-mismatch", e.getMessage(), request);
    }

    @ExceptionHandler(io.keyrotator.security.TooManyRequestsException.class)
    ResponseEntity<Object> tooManyRequests(io.keyrotator.security.TooManyRequestsException e, WebRequest request) {
        ResponseEntity<Object> problem = problem(HttpStatus.TOO_MANY_REQUESTS, "rate-limited", e.getMessage(), request);
        return ResponseEntity.status(HttpStatus.TOO_MANY_REQUESTS)
                .header(HttpHeaders.RETRY_AFTER, Long.toString(e.retryAfterSeconds()))
                .headers(problem.getHeaders())
                .body(problem.getBody());
    }

    @ExceptionHandler(RateLimitedException.class)
    ResponseEntity<Object> rateLimited(RateLimitedException e, WebRequest request) {
        ResponseEntity<Object> problem = problem(HttpStatus.TOO_MANY_REQUESTS, "rate-limited", e.getMessage(), request);
        return ResponseEntity.status(HttpStatus.TOO_MANY_REQUESTS)
                .header(HttpHeaders.RETRY_AFTER, Long.toString(e.retryAfterSeconds()))
                .headers(problem.getHeaders())
                .body(problem.getBody());
    }

    @ExceptionHandler(InvalidRequestException.class)
    ResponseEntity<Object> invalid(InvalidRequestException e, WebRequest request) {
        return problem(
                HttpStatus.BAD_REQUEST,
                "validation",
                "The request is not valid.",
                Problems.errors(e.errors()),
                request);
    }

    @ExceptionHandler(jakarta.validation.ConstraintViolationException.class)
    ResponseEntity<Object> constraintViolation(jakarta.validation.ConstraintViolationException e, WebRequest request) {
        List<Map<String, String>> errors = e.getConstraintViolations().stream()
                .map(v -> Map.of("field", lastNode(v.getPropertyPath().toString()), "message", v.getMessage()))
                .toList();
        return problem(HttpStatus.BAD_REQUEST, "validation", "The request is not valid.", errors, request);
    }

    @ExceptionHandler(InvalidWebhookException.class)
    ResponseEntity<Object> invalidWebhook(InvalidWebhookException e, WebRequest request) {
        return problem(HttpStatus.BAD_REQUEST, "validation", "The request is not valid.", e.errors(), request);
    }

    @ExceptionHandler(SecretStoreException.class)
    ResponseEntity<Object> vaultUnavailable(SecretStoreException e, WebRequest request) {
        log.warn("Vault failure answered with 503: {}", e.getMessage());
        return problem(
                HttpStatus.SERVICE_UNAVAILABLE,
                "vault-unavailable",
                "Vault is unavailable or refused the request; the current key stays current and valid.",
                request);
    }

    /** A malformed query string (Tomcat) or multipart body: the client's mistake, not ours. */
    @ExceptionHandler({
        org.apache.tomcat.util.http.InvalidParameterException.class,
        org.springframework.web.multipart.MultipartException.class
    })
    ResponseEntity<Object> malformed(Exception e, WebRequest request) {
        return problem(
                HttpStatus.BAD_REQUEST,
                "validation",
                "The request is not valid.",
                List.of(Map.of("field", "request", "message", "malformed query string or body")),
                request);
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<Object> unexpected(Exception e, WebRequest request) {
        log.error("Unexpected error", e);
        return problem(HttpStatus.INTERNAL_SERVER_ERROR, "internal-error", "An unexpected error occurred.", request);
    }

    /** Spring MVC's own errors (bad JSON, wrong method, missing body…) get our types and details. */
    @Override
    protected ResponseEntity<Object> handleExceptionInternal(
            Exception ex, @Nullable Object body, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        List<Map<String, String>> errors = Problems.frameworkErrors(ex);
        String detail = status.value() == 400
                ? "The request is not valid."
                : HttpStatus.valueOf(status.value()).getReasonPhrase() + ".";
        ResponseEntity<Object> response = problem(status, Problems.slugFor(status), detail, errors, request);
        return ResponseEntity.status(status).headers(headers).body(response.getBody());
    }

    private ResponseEntity<Object> problem(
            HttpStatusCode status, String slug, @Nullable String detail, WebRequest request) {
        return problem(status, slug, detail, List.of(), request);
    }

    private ResponseEntity<Object> problem(
            HttpStatusCode status,
            String slug,
            @Nullable String detail,
            List<Map<String, String>> errors,
            WebRequest request) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setType(URI.create("urn:keyrotator:problem:" + slug));
        problem.setTitle(Problems.title(slug));
        if (!errors.isEmpty()) {
            problem.setProperty("errors", errors);
        }
        return ResponseEntity.status(status)
                .contentType(org.springframework.http.MediaType.APPLICATION_PROBLEM_JSON)
                .body(problem);
    }

    private static String lastNode(String path) {
        return path.substring(path.lastIndexOf('.') + 1);
    }
}
