package io.keyrotator.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The documentation holds together: every relative link in the Markdown files and every reference
 * to a page of {@code docs/} in a Java comment finds its file and its heading, and nothing points at
 * design notes outside the repository.
 */
class DocumentationLinksTests {

    /** Where the Markdown files live; README, CONTRIBUTING and CHANGELOG must exist. */
    private static final List<String> MARKDOWN_FILES = List.of("README.md", "CONTRIBUTING.md", "CHANGELOG.md");

    private static final String DOCS = "docs";

    /** Tracked text that must not point outside the repository. */
    private static final List<String> TRACKED = List.of(
            "README.md",
            "CONTRIBUTING.md",
            "CHANGELOG.md",
            "docs",
            "src",
            "helm",
            "deploy",
            "scripts",
            "bench",
            ".ci",
            ".github",
            "pom.xml",
            "Dockerfile",
            "docker-compose.yml");

    /** Built from parts so that this file does not mention them itself. */
    private static final List<String> OUTSIDE = List.of(".." + "/shared", "shared" + "/design");

    private static final Pattern INLINE_LINK =
            Pattern.compile("!?\\[[^\\]]*\\]\\(\\s*<?([^)\\s>]*)>?(?:\\s+\"[^\"]*\")?\\s*\\)");
    private static final Pattern REFERENCE_DEFINITION = Pattern.compile("^ {0,3}\\[[^\\]]+\\]:\\s*<?([^\\s>]+)>?.*$");
    private static final Pattern HEADING = Pattern.compile("^ {0,3}#{1,6}\\s+(.*?)(?:\\s+#+)?\\s*$");
    private static final Pattern HTML_ANCHOR = Pattern.compile("<a\\s+(?:name|id)=\"([^\"]+)\"");
    private static final Pattern FENCE = Pattern.compile("^ {0,3}(`{3,}|~{3,})");
    private static final Pattern CODE_SPAN = Pattern.compile("(`+)(.+?)\\1");
    private static final Pattern SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*:|^//");
    private static final Pattern JAVA_COMMENT = Pattern.compile("/\\*.*?\\*/|//[^\\n]*", Pattern.DOTALL);
    private static final Pattern DOCS_REFERENCE =
            Pattern.compile("(?<![\\w./-])docs/[\\w./-]+\\.md(?:#[\\w-]+)?(?![\\w/-])");

    private final Path root = Path.of("").toAbsolutePath().normalize();
    private final Map<Path, Set<String>> anchors = new HashMap<>();

    @Test
    void everyRelativeLinkInTheDocumentationResolves() throws IOException {
        List<String> broken = new ArrayList<>();
        List<Path> files = markdownFiles();
        for (Path file : files) {
            for (String target : links(Files.readString(file))) {
                problem(file, target).ifPresent(why -> broken.add(root.relativize(file) + ": " + target + " " + why));
            }
        }

        assertThat(files).extracting(f -> root.relativize(f).toString()).contains("README.md", "docs/architecture.md");
        assertThat(broken).as("links that do not resolve").isEmpty();
    }

    @Test
    void nothingInTheRepositoryPointsAtDesignNotesOutsideIt() throws IOException {
        List<String> mentions = new ArrayList<>();
        for (Path file : trackedTextFiles()) {
            String text = readText(file);
            if (text == null) {
                continue;
            }
            for (String outside : OUTSIDE) {
                if (text.contains(outside)) {
                    mentions.add(root.relativize(file) + " mentions " + outside);
                }
            }
        }

        assertThat(mentions).as("pointers outside the repository").isEmpty();
    }

    @Test
    void everyDocsReferenceInAJavaCommentResolves() throws IOException {
        List<String> broken = new ArrayList<>();
        int references = 0;
        for (Path file : javaSources()) {
            Matcher comments = JAVA_COMMENT.matcher(Files.readString(file));
            while (comments.find()) {
                Matcher reference = DOCS_REFERENCE.matcher(comments.group());
                while (reference.find()) {
                    references++;
                    String target = reference.group();
                    problem(root.resolve("README.md"), target)
                            .ifPresent(why -> broken.add(root.relativize(file) + ": " + target + " " + why));
                }
            }
        }

        assertThat(references).as("docs references in Java comments").isPositive();
        assertThat(broken).as("docs references that do not resolve").isEmpty();
    }

    @Test
    void headingsBecomeAnchorsTheWayGitHubMakesThem() {
        assertThat(slug("Invariant 1: One writer per key")).isEqualTo("invariant-1-one-writer-per-key");
        assertThat(slug("Rotate keyrotator's own credentials")).isEqualTo("rotate-keyrotators-own-credentials");
        assertThat(slug("A key is in `CONFLICT`")).isEqualTo("a-key-is-in-conflict");
        assertThat(slug("I/O of one rotation, and what [each](x.md) call buys"))
                .isEqualTo("io-of-one-rotation-and-what-each-call-buys");
        assertThat(slug("snake_case and Ünïcode — kept")).isEqualTo("snake_case-and-ünïcode--kept");
        assertThat(anchorsOf(List.of("# Tests", "```", "# not a heading", "```", "## Tests")))
                .containsExactly("tests", "tests-1");
    }

    /** Why {@code target}, written in {@code from}, does not resolve; empty when it does. */
    private Optional<String> problem(Path from, String target) throws IOException {
        if (target.isEmpty() || SCHEME.matcher(target).find()) {
            return Optional.empty();
        }
        int hash = target.indexOf('#');
        String path = hash < 0 ? target : target.substring(0, hash);
        String anchor = hash < 0 ? null : decode(target.substring(hash + 1));
        int query = path.indexOf('?');
        if (query >= 0) {
            path = path.substring(0, query);
        }
        Path file = from;
        if (!path.isEmpty()) {
            Path base = path.startsWith("/") ? root : from.getParent();
            file = base.resolve(decode(path.startsWith("/") ? path.substring(1) : path))
                    .normalize();
            if (!file.startsWith(root)) {
                return Optional.of("points outside the repository");
            }
            if (!Files.exists(file)) {
                return Optional.of("names a file that does not exist");
            }
        }
        if (anchor == null || anchor.isEmpty() || !file.toString().endsWith(".md")) {
            return Optional.empty();
        }
        return anchors(file).contains(anchor)
                ? Optional.empty()
                : Optional.of("names no heading of " + root.relativize(file));
    }

    /** Link targets outside code: inline links, images and reference definitions. */
    static List<String> links(String markdown) {
        List<String> targets = new ArrayList<>();
        boolean fenced = false;
        for (String line : markdown.split("\n", -1)) {
            if (FENCE.matcher(line).find()) {
                fenced = !fenced;
                continue;
            }
            if (fenced) {
                continue;
            }
            String text = CODE_SPAN.matcher(line).replaceAll("`code`");
            Matcher definition = REFERENCE_DEFINITION.matcher(text);
            if (definition.matches()) {
                targets.add(definition.group(1));
                continue;
            }
            Matcher link = INLINE_LINK.matcher(text);
            while (link.find()) {
                targets.add(link.group(1));
            }
        }
        return targets;
    }

    private Set<String> anchors(Path file) {
        return anchors.computeIfAbsent(file, f -> {
            try {
                return anchorsOf(List.of(Files.readString(f).split("\n", -1)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** The anchors GitHub gives a Markdown file: one per heading outside code, numbered when repeated. */
    static Set<String> anchorsOf(List<String> lines) {
        Set<String> anchors = new LinkedHashSet<>();
        Map<String, Integer> seen = new HashMap<>();
        boolean fenced = false;
        for (String line : lines) {
            if (FENCE.matcher(line).find()) {
                fenced = !fenced;
                continue;
            }
            if (fenced) {
                continue;
            }
            Matcher explicit = HTML_ANCHOR.matcher(line);
            while (explicit.find()) {
                anchors.add(explicit.group(1));
            }
            Matcher heading = HEADING.matcher(line);
            if (heading.matches()) {
                String slug = slug(heading.group(1));
                int count = seen.merge(slug, 1, Integer::sum);
                anchors.add(count == 1 ? slug : slug + "-" + (count - 1));
            }
        }
        return anchors;
    }

    /**
     * GitHub's heading anchor: the heading's text (links reduced to their text, tags dropped) in
     * lower case, without punctuation, spaces turned into hyphens.
     */
    static String slug(String heading) {
        String text = heading.replaceAll("!?\\[([^\\]]*)\\]\\([^)]*\\)", "$1")
                .replaceAll("<[^>]+>", "")
                .toLowerCase(Locale.ROOT);
        StringBuilder slug = new StringBuilder();
        text.codePoints().forEach(c -> {
            if (Character.isLetterOrDigit(c) || c == '-' || c == '_') {
                slug.appendCodePoint(c);
            } else if (c == ' ') {
                slug.append('-');
            }
        });
        return slug.toString();
    }

    private List<Path> markdownFiles() throws IOException {
        List<Path> files = new ArrayList<>();
        for (String name : MARKDOWN_FILES) {
            Path file = root.resolve(name);
            assertThat(file).as(name).exists();
            files.add(file);
        }
        try (Stream<Path> docs = Files.walk(root.resolve(DOCS))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(files::add);
        }
        return files;
    }

    private List<Path> trackedTextFiles() throws IOException {
        List<Path> files = new ArrayList<>();
        for (String name : TRACKED) {
            Path start = root.resolve(name);
            if (!Files.exists(start)) {
                continue;
            }
            try (Stream<Path> walk = Files.walk(start)) {
                walk.filter(Files::isRegularFile)
                        .filter(p -> !root.relativize(p).toString().matches("(.*/)?(target|node_modules)/.*"))
                        .sorted()
                        .forEach(files::add);
            }
        }
        return files;
    }

    private List<Path> javaSources() throws IOException {
        try (Stream<Path> walk = Files.walk(root.resolve("src"))) {
            return walk.filter(p -> p.toString().endsWith(".java")).sorted().toList();
        }
    }

    /** The file as UTF-8 text, or null when it is not text. */
    private static String readText(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        for (byte b : bytes) {
            if (b == 0) {
                return null;
            }
        }
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .decode(java.nio.ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private static String decode(String text) {
        return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
    }
}
