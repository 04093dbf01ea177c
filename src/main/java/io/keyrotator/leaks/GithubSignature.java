package io.keyrotator.leaks;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;

/**
 * GitHub's signature of a secret scanning request: ECDSA P-256 with SHA-256 over the raw body, DER
 * in base64 in {@code Github-Public-Key-Signature}, by the key {@code Github-Public-Key-Identifier}
 * names. The keys come from {@code keyrotator.leaks.github.public-keys} only; fetching GitHub's list
 * is left to the operator (our machines cannot reach it, and the list is theirs to trust).
 */
@Component
class GithubSignature {

    private static final int P256_BITS = 256;

    private final Map<String, PublicKey> keys = new LinkedHashMap<>();

    GithubSignature(LeakProperties properties) {
        for (LeakProperties.PublicKey configured : properties.github().publicKeys()) {
            keys.put(configured.identifier(), parse(configured));
        }
    }

    /** Returns normally when the body is signed by a configured key; throws otherwise. */
    void verify(@Nullable String identifier, @Nullable String signature, byte[] body) {
        if (identifier == null || signature == null) {
            throw new InvalidSignatureException(
                    "The Github-Public-Key-Identifier and -Signature headers are required.");
        }
        PublicKey key = keys.get(identifier);
        if (key == null) {
            throw new InvalidSignatureException("The public key identifier is not configured.");
        }
        try {
            Signature verifier = Signature.getInstance("SHA256withECDSA");
            verifier.initVerify(key);
            verifier.update(body);
            if (!verifier.verify(Base64.getDecoder().decode(signature.trim()))) {
                throw new InvalidSignatureException("The signature does not match the body.");
            }
        } catch (IllegalArgumentException | GeneralSecurityException e) {
            throw new InvalidSignatureException("The signature is not a valid ECDSA signature.");
        }
    }

    private static PublicKey parse(LeakProperties.PublicKey configured) {
        String base64 = configured
                .key()
                .replace("-----BEGIN PUBLIC KEY-----", "")
                .replace("-----END PUBLIC KEY-----", "")
                .replaceAll("\\s", "");
        try {
            PublicKey key = KeyFactory.getInstance("EC")
                    .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(base64)));
            if (!(key instanceof ECPublicKey ec)
                    || ec.getParams().getCurve().getField().getFieldSize() != P256_BITS) {
                throw new IllegalStateException("not a P-256 key");
            }
            return key;
        } catch (IllegalArgumentException | IllegalStateException | GeneralSecurityException e) {
            throw new IllegalStateException("keyrotator.leaks.github.public-keys: the key "
                    + configured.identifier()
                    + " is not the PEM of an ECDSA P-256 public key");
        }
    }
}
