package io.keyrotator.rotation.protocol;

import io.keyrotator.rotation.GeneratorSpec;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.zip.CRC32;
import org.springframework.stereotype.Component;

/**
 * Generates keys. Randomness comes from the JDK's DRBG (NIST SP 800-90A), one instance per thread
 * so that generation scales with threads instead of queueing on one lock, seeded from the
 * operating system without blocking ({@code getInstanceStrong()} may block and is never used).
 */
@Component
public class KeyGenerator {

    static final String BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private static final int CHECKSUM_LENGTH = 6;
    private static final double BASE62_BITS = Math.log(62) / Math.log(2);

    /**
     * One DRBG for the service, which is thread-safe. Not one per thread: requests run on virtual
     * threads, so a thread-local instance was a new DRBG, seeded afresh, for every rotation (about 60
     * µs of CPU against 3 µs for drawing from a seeded one).
     */
    private final SecureRandom random = newRandom();

    public KeyMaterial generate(GeneratorSpec spec) {
        String body = switch (spec.encoding()) {
            case BASE64URL -> Base64.getUrlEncoder().withoutPadding().encodeToString(randomBytes(spec.bytes()));
            case HEX -> HexFormat.of().formatHex(randomBytes(spec.bytes()));
            case BASE62 -> base62(spec.bytes());
        };
        String token = spec.prefix() + body;
        return KeyMaterial.of(spec.checksum() ? token + checksum(token) : token);
    }

    /** The checksum {@code generate} appends: CRC32 of prefix+body in 6 base62 digits. */
    public static String checksum(String prefixAndBody) {
        CRC32 crc = new CRC32();
        crc.update(prefixAndBody.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        long value = crc.getValue();
        char[] digits = new char[CHECKSUM_LENGTH];
        for (int i = CHECKSUM_LENGTH - 1; i >= 0; i--) {
            digits[i] = BASE62.charAt((int) (value % 62));
            value /= 62;
        }
        return new String(digits);
    }

    private byte[] randomBytes(int count) {
        byte[] bytes = new byte[count];
        random.nextBytes(bytes);
        return bytes;
    }

    /**
     * As many base62 characters as carry {@code bytes * 8} bits, each drawn by rejection sampling
     * (bytes of 248 and above are discarded) so that every character is equally likely.
     */
    private String base62(int bytes) {
        int length = (int) Math.ceil(bytes * 8 / BASE62_BITS);
        StringBuilder out = new StringBuilder(length);
        byte[] buffer = new byte[length + 16];
        while (out.length() < length) {
            random.nextBytes(buffer);
            for (int i = 0; i < buffer.length && out.length() < length; i++) {
                int b = buffer[i] & 0xff;
                if (b < 248) {
                    out.append(BASE62.charAt(b % 62));
                }
            }
        }
        return out.toString();
    }

    private static SecureRandom newRandom() {
        try {
            return SecureRandom.getInstance("DRBG");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("DRBG is a required JDK algorithm", e);
        }
    }
}
