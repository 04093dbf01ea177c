package io.keyrotator.rotation.web;

import io.keyrotator.rotation.InvalidRequestException;
import io.keyrotator.rotation.KeyNotFoundException;
import io.keyrotator.rotation.ManagedKey;
import io.keyrotator.rotation.protocol.Idempotency;
import io.keyrotator.rotation.protocol.KeyCatalog;
import io.keyrotator.rotation.protocol.RotationCommand;
import io.keyrotator.rotation.protocol.RotationEngine;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.Principal;
import java.util.HexFormat;
import org.jspecify.annotations.Nullable;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/v1/keys/{name}")
class RotationsController {

    private final RotationEngine engine;
    private final KeyCatalog keys;

    RotationsController(RotationEngine engine, KeyCatalog keys) {
        this.engine = engine;
        this.keys = keys;
    }

    @PostMapping("/rotations")
    ResponseEntity<VersionView> rotate(
            @PathVariable String name,
            @RequestBody(required = false) @Nullable RotationRequest body,
            @RequestHeader(name = "Idempotency-Key", required = false) @Nullable String idempotencyKey,
            Principal principal,
            HttpServletRequest request) {
        RotationRequest rotation = body == null ? RotationRequest.EMPTY : body;
        RotationCommand command = rotation.command(principal.getName(), request.getRemoteAddr());
        if (idempotencyKey != null) {
            command = command.withIdempotency(idempotencyKey(principal.getName(), name, idempotencyKey, rotation));
        }
        RotationEngine.Rotated rotated = engine.rotate(name, command);
        URI location = URI.create(
                "/api/v1/keys/" + name + "/versions/" + rotated.version().version());
        ResponseEntity.BodyBuilder response = ResponseEntity.created(location);
        if (rotated.repeat()) {
            response.header("Idempotent-Replayed", "true");
        }
        return response.body(VersionView.of(name, rotated.version()));
    }

    @GetMapping("/versions")
    VersionView.VersionPage versions(@PathVariable String name) {
        ManagedKey key = keys.find(name).orElseThrow(() -> KeyNotFoundException.named(name));
        return new VersionView.VersionPage(
                keys.versionsOf(key).stream().map(v -> VersionView.of(name, v)).toList());
    }

    @GetMapping("/versions/{version}")
    VersionView version(@PathVariable String name, @PathVariable int version) {
        ManagedKey key = keys.find(name).orElseThrow(() -> KeyNotFoundException.named(name));
        return keys.version(key, version)
                .map(v -> VersionView.of(name, v))
                .orElseThrow(() -> KeyNotFoundException.named(name + " version " + version));
    }

    private static Idempotency.Key idempotencyKey(String caller, String name, String key, RotationRequest rotation) {
        if (key.isEmpty() || key.length() > 255 || !key.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
            throw InvalidRequestException.of("Idempotency-Key", "1-255 printable ASCII characters");
        }
        String hash = sha256(name + "\n" + rotation.reason() + "\n" + rotation.overlap() + "\n" + rotation.overwrite());
        return new Idempotency.Key(caller, key, hash);
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
