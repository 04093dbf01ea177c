package io.keyrotator.scanning;

import io.keyrotator.rotation.GeneratorSpec;
import java.util.List;
import java.util.Locale;

/**
 * What every key of a generator looks like: prefix, alphabet, body length, checksum. Keys that share
 * a shape share a rule, so a rule names no key and a thousand keys make a handful of rules.
 *
 * @param keys the registered keys of this shape, by name (for the rule's description)
 */
record KeyShape(String prefix, GeneratorSpec.Encoding encoding, int bodyLength, boolean checksum, List<String> keys) {

    private static final double BASE62_BITS = Math.log(62) / Math.log(2);
    static final int CHECKSUM_LENGTH = 6;

    static int bodyLength(GeneratorSpec spec) {
        return switch (spec.encoding()) {
            case BASE64URL -> (spec.bytes() * 4 + 2) / 3;
            case HEX -> spec.bytes() * 2;
            case BASE62 -> (int) Math.ceil(spec.bytes() * 8 / BASE62_BITS);
        };
    }

    /** A rule id: stable for the shape, safe in TOML, YAML and GitHub's pattern names. */
    String id() {
        return "keyrotator-"
                + (prefix.isEmpty() ? "" : prefix.toLowerCase(Locale.ROOT).replace('_', '-')) + encoding.id() + "-"
                + bodyLength + (checksum ? "-crc" : "");
    }

    /** The characters the body (and the checksum) are made of, as a regular-expression class body. */
    String alphabet() {
        return switch (encoding) {
            case BASE64URL -> "A-Za-z0-9_-";
            case HEX -> "0-9a-f";
            case BASE62 -> "0-9A-Za-z";
        };
    }

    /**
     * The key itself: the prefix (letters, digits and {@code _} only, so nothing to escape), then
     * exactly the body's length, then the checksum's 6 base62 digits.
     */
    String secretFormat() {
        return prefix + "[" + alphabet() + "]{" + bodyLength + "}"
                + (checksum ? "[0-9A-Za-z]{" + CHECKSUM_LENGTH + "}" : "");
    }

    /** Anything that could continue a key: a match must not have one on either side. */
    String boundary() {
        return "[^A-Za-z0-9_-]";
    }

    String description() {
        return "keyrotator key: " + (prefix.isEmpty() ? "no prefix" : "prefix " + prefix) + ", " + encoding.id()
                + ", " + bodyLength + " characters" + (checksum ? " and a CRC32 checksum" : "") + " ("
                + keys.size() + (keys.size() == 1 ? " key)" : " keys)");
    }
}
