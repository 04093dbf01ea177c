package io.keyrotator.logging;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The last line of defence against a secret in a log line, applied by {@link MaskingEncoder} to
 * everything any library logs, at any level. Types that carry secrets already print redacted; this
 * catches what a framework prints on its own (Tomcat's received bytes at DEBUG, a request body, a
 * header). It masks, in this order: values the service knows to be secret ({@link #secret}), values
 * whose fingerprint is that of a key the service handled ({@link #keyFingerprint}, so no key is kept
 * here), values after a secret-shaped field or header name, and the shapes of the secrets keyrotator
 * issues or uses (key prefixes, {@code whsec_}, Vault tokens).
 */
public final class LogMask {

    public static final String MASK = "[masked]";

    private static final int MIN_SECRET_LENGTH = 6;
    private static final int FINGERPRINTS_KEPT = 200_000;
    private static final Set<String> SECRETS = ConcurrentHashMap.newKeySet();
    private static final Set<String> PREFIXES = ConcurrentHashMap.newKeySet();
    private static final Map<String, Boolean> FINGERPRINTS = Collections.synchronizedMap(new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > FINGERPRINTS_KEPT;
        }
    });
    private static volatile Pattern prefixed = Pattern.compile("(?!)");

    private static final Pattern NAMED = Pattern.compile(
            "(?i)(?<![a-z0-9_-])((?:authorization|proxy-authorization|x-vault-token|cookie|[a-z_-]*(?:password|passwd|secret|token|secret_id|api_key|credential)s?)"
                    + "\"?\\s*[:=]\\s*\"?)((?:bearer|basic|token)\\s+)?([^\\s\",;}&\\]]+)");
    private static final Pattern SHAPES = Pattern.compile(
            "whsec_[A-Za-z0-9+/=_-]+|(?<![A-Za-z0-9])(?:hvs|hvb|hvr|s|b|r)\\.(?=[A-Za-z0-9_-]*[0-9])[A-Za-z0-9_-]{20,}");
    private static final int WORD_MIN = 12;
    private static final Pattern WORD = Pattern.compile("[A-Za-z0-9_+/-]{" + WORD_MIN + ",}={0,2}");

    private LogMask() {}

    /** A value that must never be logged: a signing secret, a credential, a token, a password. */
    public static void secret(String value) {
        if (value.length() >= MIN_SECRET_LENGTH) {
            SECRETS.add(value);
        }
    }

    /** The fingerprint of a key value the service generated or read (docs/contract.md#fingerprints). */
    public static void keyFingerprint(String fingerprint) {
        FINGERPRINTS.put(fingerprint, Boolean.TRUE);
    }

    /** A key value the service read: its fingerprint is kept, never the value. */
    public static void keyValue(String value) {
        if (value.length() >= WORD_MIN) {
            FINGERPRINTS.put(fingerprint(value), Boolean.TRUE);
        }
    }

    /** A generator prefix of a registered key: anything that starts with it is masked. */
    public static void keyPrefix(String prefix) {
        if (prefix.length() >= 3 && PREFIXES.add(prefix)) {
            prefixed = Pattern.compile("(?<![A-Za-z0-9_])(?:"
                    + String.join("|", PREFIXES.stream().map(Pattern::quote).toList())
                    + ")[A-Za-z0-9_-]{8,}");
        }
    }

    public static String mask(String line) {
        String masked = line;
        for (String secret : SECRETS) {
            if (masked.contains(secret)) {
                masked = masked.replace(secret, MASK);
            }
        }
        masked = maskKeysByFingerprint(masked);
        masked = NAMED.matcher(masked)
                .replaceAll(m -> Matcher.quoteReplacement(m.group(1) + (m.group(2) == null ? "" : m.group(2)) + MASK));
        masked = prefixed.matcher(masked).replaceAll(MASK);
        return SHAPES.matcher(masked).replaceAll(MASK);
    }

    private static String maskKeysByFingerprint(String line) {
        if (FINGERPRINTS.isEmpty()) {
            return line;
        }
        Matcher words = WORD.matcher(line);
        StringBuilder out = null;
        int copied = 0;
        while (words.find()) {
            String word = words.group();
            if (isKnownKey(word) || isKnownKey(trimmed(word))) {
                out = out == null ? new StringBuilder(line.length()) : out;
                out.append(line, copied, words.start()).append(MASK);
                copied = words.end();
            }
        }
        return out == null ? line : out.append(line, copied, line.length()).toString();
    }

    /** A word as a log prints it, without the trailing punctuation of the sentence around it. */
    private static String trimmed(String word) {
        int end = word.length();
        while (end > 0 && ".=/+".indexOf(word.charAt(end - 1)) >= 0) {
            end--;
        }
        return word.substring(0, end);
    }

    private static boolean isKnownKey(String word) {
        return FINGERPRINTS.containsKey(fingerprint(word));
    }

    private static String fingerprint(String value) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is a required JDK algorithm", e);
        }
    }
}
