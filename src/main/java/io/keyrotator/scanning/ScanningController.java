package io.keyrotator.scanning;

import io.keyrotator.leaks.LiveKeys;
import io.keyrotator.rotation.InvalidRequestException;
import io.keyrotator.security.CallerRateLimits;
import java.security.Principal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

@RestController
class ScanningController {

    private static final int MOST_CANDIDATES = 16;
    private static final int LONGEST_CANDIDATE = 4096;

    private final ScanningRules rules;
    private final LiveKeys live;
    private final CallerRateLimits limits;

    ScanningController(ScanningRules rules, LiveKeys live, CallerRateLimits limits) {
        this.rules = rules;
        this.live = live;
        this.limits = limits;
    }

    /** The registered keys' shapes as a scanner's rules (scope {@code keys:read}). */
    @GetMapping(
            path = "/api/v1/scanning/rules",
            produces = {"text/plain", "application/json"})
    ResponseEntity<?> rules(@RequestParam String format) {
        List<KeyShape> shapes = rules.shapes();
        return switch (format) {
            case "gitleaks" ->
                ResponseEntity.ok().contentType(MediaType.TEXT_PLAIN).body(RuleFormats.gitleaks(shapes));
            case "github" ->
                ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(RuleFormats.github(shapes));
            case "trufflehog" ->
                ResponseEntity.ok()
                        .contentType(MediaType.TEXT_PLAIN)
                        .body(RuleFormats.trufflehog(
                                shapes,
                                ServletUriComponentsBuilder.fromCurrentContextPath()
                                        .path("/api/v1/scanning/verify")
                                        .toUriString()));
            default -> throw InvalidRequestException.of("format", "one of " + String.join(", ", RuleFormats.FORMATS));
        };
    }

    /**
     * trufflehog's custom-detector verification webhook (scope {@code scanning:verify}): the body is
     * {@code {"<detector>": {"<group>": ["<match>", …]}}}; 200 when a match is a live key of ours,
     * 404 otherwise, which trufflehog reads as unverified. The answer names no key.
     */
    @PostMapping(path = "/api/v1/scanning/verify", consumes = "application/json")
    ResponseEntity<Map<String, Object>> verify(
            @RequestBody Map<String, Map<String, List<String>>> body, Principal principal) {
        limits.acquire("verify", principal.getName());
        boolean verified = false;
        for (String candidate : candidates(body)) {
            // every candidate is looked up, so the time does not tell which one was live
            verified |= live.live(candidate).isPresent();
        }
        return verified
                ? ResponseEntity.ok(Map.of("verified", true))
                : ResponseEntity.status(HttpStatus.NOT_FOUND).body(Map.of("verified", false));
    }

    private static List<String> candidates(@Nullable Map<String, Map<String, List<String>>> body) {
        List<String> candidates = new ArrayList<>();
        if (body != null) {
            body.values().forEach(groups -> {
                if (groups != null) {
                    groups.values().forEach(matches -> {
                        if (matches != null) {
                            matches.forEach(match -> {
                                if (match != null) {
                                    candidates.add(match);
                                }
                            });
                        }
                    });
                }
            });
        }
        if (candidates.isEmpty()
                || candidates.size() > MOST_CANDIDATES
                || candidates.stream().anyMatch(c -> c.isEmpty() || c.length() > LONGEST_CANDIDATE)) {
            throw InvalidRequestException.of(
                    "body", "1 to " + MOST_CANDIDATES + " matches of 1 to " + LONGEST_CANDIDATE + " characters");
        }
        return candidates;
    }
}
