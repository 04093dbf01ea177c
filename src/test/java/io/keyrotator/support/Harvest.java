package io.keyrotator.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * Every secret value the tests came to know in this JVM, kept only in memory, for the leak checks:
 * keys read from OpenBao while the packaged service ran, Vault tokens (root tokens of the servers the
 * tests start, tokens OpenBao issued on AppRole logins), AppRole secret ids and database passwords.
 * Keys are made of {@code [A-Za-z0-9_-]}, so a text is searched by cutting it into words of those
 * characters and looking each word up (one pass however many keys there are); the few values with
 * other characters (Vault tokens have a dot) are searched for as they are.
 */
public final class Harvest {

    private static final Set<String> KEYS = ConcurrentHashMap.newKeySet();
    private static final Set<String> SECRETS = ConcurrentHashMap.newKeySet();
    private static final Pattern WORD_BREAK = Pattern.compile("[^A-Za-z0-9_-]+");
    private static final Pattern ISSUED = Pattern.compile("\"(?:client_token|secret_id)\":\"([^\"]+)\"");

    private Harvest() {}

    public static void key(@Nullable Object value) {
        if (value != null && !value.toString().isBlank()) {
            KEYS.add(value.toString());
        }
    }

    public static void secret(@Nullable String value) {
        if (value != null && !value.isBlank()) {
            SECRETS.add(value);
        }
    }

    public static Set<String> keys() {
        return Set.copyOf(KEYS);
    }

    public static Set<String> secrets() {
        return Set.copyOf(SECRETS);
    }

    /**
     * Takes the tokens, accessors and secret ids OpenBao issued from a raw audit log ({@code
     * log_raw=true}) of a server the tests started.
     */
    public static int fromAuditLog(Path auditLog) {
        if (!Files.exists(auditLog)) {
            return 0;
        }
        int found = 0;
        try (Stream<String> lines = Files.lines(auditLog)) {
            for (String line : (Iterable<String>) lines::iterator) {
                if (!line.contains("\"type\":\"response\"")) {
                    continue;
                }
                int response = line.indexOf("\"response\":");
                Matcher matcher = ISSUED.matcher(response < 0 ? "" : line.substring(response));
                while (matcher.find()) {
                    secret(matcher.group(1));
                    found++;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return found;
    }

    /** The values of {@code values} that occur in {@code text}. */
    public static Set<String> foundIn(String text, Set<String> values) {
        Search search = new Search(values);
        search.scan(text);
        return search.found;
    }

    /** The values of {@code values} that occur in the file, read line by line. */
    public static Set<String> foundIn(Path file, Set<String> values) {
        Search search = new Search(values);
        try (Stream<String> lines = Files.lines(file, java.nio.charset.StandardCharsets.ISO_8859_1)) {
            lines.forEach(search::scan);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return search.found;
    }

    private static final class Search {
        private final Set<String> words;
        private final java.util.List<String> others;
        private final Set<String> found = ConcurrentHashMap.newKeySet();

        Search(Set<String> values) {
            words = values.stream()
                    .filter(v -> !WORD_BREAK.matcher(v).find())
                    .collect(java.util.stream.Collectors.toSet());
            others = values.stream().filter(v -> !words.contains(v)).toList();
        }

        void scan(String text) {
            Arrays.stream(WORD_BREAK.split(text)).filter(words::contains).forEach(found::add);
            for (String value : others) {
                if (text.contains(value)) {
                    found.add(value);
                }
            }
        }
    }
}
