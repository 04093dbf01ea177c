package io.keyrotator.verifier;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;

/**
 * Verifies a Standard Webhooks v1 delivery: HMAC-SHA256, keyed with the base64 part of each
 * {@code whsec_} secret, over {@code <webhook-id>.<webhook-timestamp>.<body>}, against every
 * {@code v1,} signature of the {@code webhook-signature} header (several during a secret
 * rotation), with a timestamp within the tolerance. The JDK's HMAC, compared in constant time.
 */
final class WebhookSignature {

    private final List<byte[]> secrets;
    private final Duration tolerance;
    private final Clock clock;

    WebhookSignature(List<String> secrets, Duration tolerance, Clock clock) {
        this.secrets = secrets.stream()
                .map(secret -> Base64.getDecoder().decode(secret.startsWith("whsec_") ? secret.substring(6) : secret))
                .toList();
        this.tolerance = tolerance;
        this.clock = clock;
    }

    boolean verifies(@Nullable String id, @Nullable String timestamp, @Nullable String signatures, byte[] body) {
        return refusal(id, timestamp, signatures, body) == null;
    }

    /** Why a delivery is refused, or null when it verifies. */
    @Nullable
    String refusal(@Nullable String id, @Nullable String timestamp, @Nullable String signatures, byte[] body) {
        if (id == null || timestamp == null || signatures == null) {
            return "webhook-id, webhook-timestamp or webhook-signature missing";
        }
        if (secrets.isEmpty()) {
            return "no keyrotator.verifier.webhook.secrets configured";
        }
        Duration skew;
        try {
            skew = Duration.between(Instant.ofEpochSecond(Long.parseLong(timestamp)), clock.instant())
                    .abs();
        } catch (NumberFormatException | java.time.DateTimeException e) {
            return "webhook-timestamp is not a time in seconds";
        }
        if (skew.compareTo(tolerance) > 0) {
            return "webhook-timestamp " + skew.toSeconds() + " s from this clock, more than the tolerance";
        }
        boolean valid = false;
        for (byte[] secret : secrets) {
            // signed as the header says it, not as this side would print the number
            byte[] expected = sign(secret, id + "." + timestamp + ".", body);
            for (String given : signatures.trim().split(" +")) {
                if (given.startsWith("v1,")) {
                    byte[] presented;
                    try {
                        presented = Base64.getDecoder().decode(given.substring(3));
                    } catch (IllegalArgumentException e) {
                        continue;
                    }
                    valid |= MessageDigest.isEqual(expected, presented);
                }
            }
        }
        return valid ? null : "no signature matches a configured secret";
    }

    private static byte[] sign(byte[] secret, String prefix, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            mac.update(prefix.getBytes(StandardCharsets.UTF_8));
            return mac.doFinal(body);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is a required JDK algorithm", e);
        }
    }
}
