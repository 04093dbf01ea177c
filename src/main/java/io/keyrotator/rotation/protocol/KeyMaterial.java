package io.keyrotator.rotation.protocol;

import io.keyrotator.logging.LogMask;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A key's value, in memory only until it is in Vault. {@link #toString()} never shows it; only the
 * {@link #fingerprint()} may leave this object for anywhere but Vault.
 */
public final class KeyMaterial {

    private final String value;
    private final String fingerprint;

    private KeyMaterial(String value) {
        this.value = value;
        this.fingerprint = fingerprintOf(value);
        LogMask.keyFingerprint(fingerprint);
    }

    public static KeyMaterial of(String value) {
        return new KeyMaterial(value);
    }

    /** The value, for the Vault payload only. */
    String reveal() {
        return value;
    }

    public String fingerprint() {
        return fingerprint;
    }

    /** The first 16 lowercase hex characters of SHA-256 over the key's UTF-8 bytes (docs/contract.md#fingerprints). */
    public static String fingerprintOf(String key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is a required JDK algorithm", e);
        }
    }

    @Override
    public String toString() {
        return "KeyMaterial[fingerprint=" + fingerprint + "]";
    }
}
