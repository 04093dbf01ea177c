package io.keyrotator.leaks;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * A reported leak as keyrotator may keep it in memory while it handles the report: the SHA-256 of
 * the leaked string, whether the reporter sent the string or its hash. The string itself is dropped
 * at once. {@link #toString()} shows the fingerprint only.
 */
final class Reported {

    private static final Pattern SHA256 = Pattern.compile("[0-9a-fA-F]{64}");

    private final byte[] digest;
    private final String fingerprint;
    private final boolean byValue;

    private Reported(byte[] digest, boolean byValue) {
        this.digest = digest;
        this.fingerprint = HexFormat.of().formatHex(digest, 0, 8);
        this.byValue = byValue;
    }

    /** The mask learns the value's fingerprint, so no library's log of the request can show it. */
    static Reported value(String value) {
        io.keyrotator.logging.LogMask.keyValue(value);
        return new Reported(sha256(value), true);
    }

    /** The hash as the reporter sent it: 64 hex digits, either case. */
    static Reported sha256Hex(String hex) {
        if (!SHA256.matcher(hex).matches()) {
            throw new IllegalArgumentException("not 64 hex digits");
        }
        return new Reported(HexFormat.of().parseHex(hex.toLowerCase(java.util.Locale.ROOT)), false);
    }

    static boolean isSha256Hex(String hex) {
        return SHA256.matcher(hex).matches();
    }

    /** The fingerprint keyrotator records for every version (docs/contract.md#fingerprints). */
    String fingerprint() {
        return fingerprint;
    }

    /** True when the reporter sent the value itself, so the fingerprint is that of a real string. */
    boolean byValue() {
        return byValue;
    }

    /** Whether {@code candidate} is the leaked string, compared in constant time over the digests. */
    boolean is(String candidate) {
        return MessageDigest.isEqual(digest, sha256(candidate));
    }

    static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is a required JDK algorithm", e);
        }
    }

    @Override
    public String toString() {
        return "Reported[fingerprint=" + fingerprint + "]";
    }
}
