package io.keyrotator.rotation;

/**
 * How a key is generated: {@code bytes} random bytes from {@code SecureRandom}, encoded, after an
 * optional prefix, with an optional 6-character base62 CRC32 checksum of prefix+body.
 */
public record GeneratorSpec(int bytes, Encoding encoding, String prefix, boolean checksum) {

    /** Every spec the service comes to know teaches the log mask its prefix. */
    public GeneratorSpec {
        io.keyrotator.logging.LogMask.keyPrefix(prefix);
    }

    public enum Encoding {
        BASE64URL,
        HEX,
        BASE62;

        public String id() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        public static java.util.Optional<Encoding> parse(String id) {
            for (Encoding encoding : values()) {
                if (encoding.id().equals(id)) {
                    return java.util.Optional.of(encoding);
                }
            }
            return java.util.Optional.empty();
        }
    }
}
