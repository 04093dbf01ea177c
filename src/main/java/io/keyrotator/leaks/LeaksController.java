package io.keyrotator.leaks;

import io.keyrotator.rotation.InvalidRequestException;
import io.keyrotator.rotation.InvalidRequestException.FieldError;
import io.keyrotator.security.CallerRateLimits;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.net.URI;
import java.security.Principal;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
@Validated
class LeaksController {

    static final int MAX_VALUE = 4096;

    private final LeakService leaks;
    private final CallerRateLimits limits;

    LeaksController(LeakService leaks, CallerRateLimits limits) {
        this.leaks = leaks;
        this.limits = limits;
    }

    /**
     * Reports a leak (scope {@code leaks:report}): 201 with the new record, or 200 with the first
     * record when the same version was reported before. The value is handled now, so the answer says
     * what was done.
     */
    @PostMapping("/api/v1/leaks")
    ResponseEntity<LeakReport> report(@RequestBody LeakRequest body, Principal principal) {
        limits.acquire("leaks", principal.getName());
        Reported reported = validated(body);
        LeakService.Reply reply =
                leaks.report(reported, new Reporter(principal.getName(), "api", body.source(), body.reason()), true);
        URI location = URI.create("/api/v1/leaks/" + reply.report().id());
        return reply.created()
                ? ResponseEntity.created(location).body(reply.report())
                : ResponseEntity.status(HttpStatus.OK).location(location).body(reply.report());
    }

    @GetMapping("/api/v1/leaks")
    LeakReport.LeakPage list(
            @RequestParam(defaultValue = "0") @Min(0) @Max(100_000) int offset,
            @RequestParam(defaultValue = "50") @Min(1) @Max(500) int limit) {
        return new LeakReport.LeakPage(leaks.page(null, offset, limit), offset, limit);
    }

    @GetMapping("/api/v1/leaks/{id}")
    LeakReport get(@PathVariable UUID id) {
        return leaks.find(id).orElseThrow(() -> new LeakNotFoundException(id.toString()));
    }

    @GetMapping("/api/v1/keys/{name}/leaks")
    LeakReport.LeakPage ofKey(
            @PathVariable String name,
            @RequestParam(defaultValue = "0") @Min(0) @Max(100_000) int offset,
            @RequestParam(defaultValue = "50") @Min(1) @Max(500) int limit) {
        return new LeakReport.LeakPage(leaks.page(name, offset, limit), offset, limit);
    }

    /** Exactly one of value and sha256; source and reason bounded, and never holding the value. */
    static Reported validated(LeakRequest body) {
        List<FieldError> errors = new ArrayList<>();
        String value = body.value();
        String sha256 = body.sha256();
        if ((value == null) == (sha256 == null)) {
            errors.add(new FieldError("value", "give the leaked value or its sha256, one of the two"));
        } else if (value != null && (value.isEmpty() || value.length() > MAX_VALUE)) {
            errors.add(new FieldError("value", "1 to " + MAX_VALUE + " characters"));
        } else if (sha256 != null && !Reported.isSha256Hex(sha256)) {
            errors.add(new FieldError("sha256", "the SHA-256 of the value, 64 hex digits"));
        }
        text(errors, "source", body.source(), 2048, value);
        text(errors, "reason", body.reason(), 512, value);
        if (!errors.isEmpty()) {
            throw InvalidRequestException.of(errors);
        }
        return value != null ? Reported.value(value) : Reported.sha256Hex(java.util.Objects.requireNonNull(sha256));
    }

    private static void text(
            List<FieldError> errors, String field, @Nullable String text, int max, @Nullable String value) {
        if (text == null) {
            return;
        }
        if (text.length() > max) {
            errors.add(new FieldError(field, "at most " + max + " characters"));
        } else if (!printable(text)) {
            errors.add(new FieldError(field, "no control characters"));
        } else if (value != null && !value.isEmpty() && text.contains(value)) {
            // it would be stored and logged: the value must not travel with it
            errors.add(new FieldError(field, "must not contain the leaked value"));
        }
    }

    /** No control character (PostgreSQL refuses NUL; the rest have no place in a URL or a reason). */
    static boolean printable(String text) {
        return text.chars().noneMatch(Character::isISOControl);
    }
}
