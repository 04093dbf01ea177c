package io.keyrotator.rotation;

import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.Principal;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.json.JsonMapper;

@RestController
@RequestMapping("/api/v1/keys/{name}")
class RotationsController {

    private final RotationEngine engine;
    private final KeyRecords keys;
    private final VersionRecords versions;
    private final Idempotency idempotency;
    private final RotationProperties properties;
    private final JsonMapper json;
    private final Clock clock;

    RotationsController(
            RotationEngine engine,
            KeyRecords keys,
            VersionRecords versions,
            Idempotency idempotency,
            RotationProperties properties,
            JsonMapper json,
            Clock clock) {
        this.engine = engine;
        this.keys = keys;
        this.versions = versions;
        this.idempotency = idempotency;
        this.properties = properties;
        this.json = json;
        this.clock = clock;
    }

    @PostMapping("/rotations")
    ResponseEntity<?> rotate(
            @PathVariable String name,
            @RequestBody(required = false) @Nullable RotationRequest body,
            @RequestHeader(name = "Idempotency-Key", required = false) @Nullable String idempotencyKey,
            Principal principal,
            HttpServletRequest request) {
        RotationRequest rotation = body == null ? RotationRequest.EMPTY : body;
        RotationCommand command = rotation.command(principal.getName(), request.getRemoteAddr());
        Idempotency.Fresh claim = null;
        if (idempotencyKey != null) {
            Idempotency.Claim claimed = claim(principal.getName(), name, idempotencyKey, rotation);
            if (claimed instanceof Idempotency.Replay replay) {
                return replayed(replay);
            }
            claim = (Idempotency.Fresh) claimed;
            request.setAttribute(Idempotency.CLAIM_ATTRIBUTE, claim);
        }
        KeyVersion version = engine.rotate(name, command);
        URI location = URI.create("/api/v1/keys/" + name + "/versions/" + version.version());
        VersionView view = VersionView.of(name, version);
        if (claim != null) {
            idempotency.complete(claim, HttpStatus.CREATED.value(), location.toString(), json.writeValueAsString(view));
        }
        return ResponseEntity.created(location).body(view);
    }

    @GetMapping("/versions")
    VersionView.Page versions(@PathVariable String name) {
        ManagedKey key = keys.findByName(name).orElseThrow(() -> KeyNotFoundException.named(name));
        return new VersionView.Page(versions.ofKey(key.id()).stream()
                .map(v -> VersionView.of(name, v))
                .toList());
    }

    @GetMapping("/versions/{version}")
    VersionView version(@PathVariable String name, @PathVariable int version) {
        ManagedKey key = keys.findByName(name).orElseThrow(() -> KeyNotFoundException.named(name));
        return versions.find(key.id(), version)
                .map(v -> VersionView.of(name, v))
                .orElseThrow(() -> KeyNotFoundException.named(name + " version " + version));
    }

    /** A repeat while the first request runs waits for it, like a concurrent rotation. */
    private Idempotency.Claim claim(String caller, String name, String key, RotationRequest rotation) {
        if (key.isEmpty() || key.length() > 255 || !key.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
            throw InvalidRequestException.of("Idempotency-Key", "1-255 printable ASCII characters");
        }
        String hash = sha256(name + "\n" + rotation.reason() + "\n" + rotation.overlap() + "\n" + rotation.overwrite());
        Instant deadline = clock.instant().plus(properties.limits().rotationWait());
        while (true) {
            Idempotency.Claim claim = idempotency.claim(caller, name, key, hash);
            switch (claim) {
                case Idempotency.Mismatch mismatch -> throw IdempotencyMismatchException.of(key);
                case Idempotency.InProgress inProgress -> {
                    if (clock.instant().isAfter(deadline)) {
                        throw RotationInProgressException.of(name);
                    }
                    sleep();
                }
                default -> {
                    return claim;
                }
            }
        }
    }

    private static ResponseEntity<String> replayed(Idempotency.Replay replay) {
        ResponseEntity.BodyBuilder response = ResponseEntity.status(replay.status())
                .header("Idempotent-Replayed", "true")
                .contentType(replay.status() < 400 ? MediaType.APPLICATION_JSON : MediaType.APPLICATION_PROBLEM_JSON);
        if (replay.location() != null) {
            response.header(HttpHeaders.LOCATION, replay.location());
        }
        return response.body(replay.body());
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void sleep() {
        try {
            TimeUnit.MILLISECONDS.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
