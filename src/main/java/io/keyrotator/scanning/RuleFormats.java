package io.keyrotator.scanning;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The shapes written as each scanner reads them. The key is the rule's secret (gitleaks'
 * {@code secretGroup} 1, GitHub's secret format, trufflehog's {@code key} group), fenced by
 * characters that cannot belong to a key, so a longer token is not read as one of ours.
 */
final class RuleFormats {

    static final List<String> FORMATS = List.of("gitleaks", "github", "trufflehog");

    private RuleFormats() {}

    /** gitleaks' TOML config: one rule per shape, tagged {@code checksum} where keys carry one. */
    static String gitleaks(List<KeyShape> shapes) {
        StringBuilder toml = new StringBuilder("""
                # keyrotator's keys, from its catalogue (GET /api/v1/scanning/rules?format=gitleaks).
                # A rule tagged "checksum" matches the key's shape; scripts/scanning/verify-checksums.py
                # drops the findings whose last 6 characters are not the CRC32 of the rest.
                title = "keyrotator"
                """);
        for (KeyShape shape : shapes) {
            String fence = shape.boundary();
            toml.append("\n[[rules]]\n")
                    .append("id = \"")
                    .append(shape.id())
                    .append("\"\n")
                    .append("description = \"")
                    .append(shape.description())
                    .append("\"\n")
                    .append("regex = '''(?:^|")
                    .append(fence)
                    .append(")(")
                    .append(shape.secretFormat())
                    .append(")(?:")
                    .append(fence)
                    .append("|$)'''\n")
                    .append("secretGroup = 1\n");
            if (!shape.prefix().isEmpty()) {
                toml.append("keywords = [\"")
                        .append(shape.prefix().toLowerCase(Locale.ROOT))
                        .append("\"]\n");
            }
            toml.append("tags = [\"keyrotator\"")
                    .append(shape.checksum() ? ", \"checksum\"" : "")
                    .append("]\n");
        }
        return toml.toString();
    }

    /** GitHub's custom pattern fields, one pattern per shape, as its form and API name them. */
    static List<Map<String, Object>> github(List<KeyShape> shapes) {
        List<Map<String, Object>> patterns = new ArrayList<>();
        for (KeyShape shape : shapes) {
            Map<String, Object> pattern = new LinkedHashMap<>();
            pattern.put("name", shape.id());
            pattern.put("description", shape.description());
            pattern.put("secretFormat", shape.secretFormat());
            pattern.put("beforeSecret", "\\A|" + shape.boundary());
            pattern.put("afterSecret", "\\z|" + shape.boundary());
            pattern.put("checksum", shape.checksum() ? "CRC32 of the rest, last 6 characters, base62" : null);
            patterns.add(pattern);
        }
        return patterns;
    }

    /**
     * trufflehog's custom detectors, each verified by {@code verifyUrl}. trufflehog needs a keyword
     * per detector, so a shape without a prefix has no detector.
     */
    static String trufflehog(List<KeyShape> shapes, String verifyUrl) {
        StringBuilder yaml = new StringBuilder("""
                # keyrotator's keys, from its catalogue (GET /api/v1/scanning/rules?format=trufflehog).
                # Replace the token with one that has the scope scanning:verify.
                detectors:
                """);
        for (KeyShape shape : shapes) {
            if (shape.prefix().isEmpty()) {
                continue;
            }
            yaml.append("  - name: ")
                    .append(shape.id())
                    .append('\n')
                    .append("    keywords:\n      - ")
                    .append(shape.prefix())
                    .append('\n')
                    .append("    regex:\n      key: '")
                    .append(shape.secretFormat())
                    .append("'\n")
                    .append("    verify:\n")
                    .append("      - endpoint: ")
                    .append(verifyUrl)
                    .append('\n')
                    .append("        unsafe: ")
                    .append(verifyUrl.startsWith("http://"))
                    .append('\n')
                    .append("        headers:\n")
                    .append("          - 'Authorization: Bearer <token with scanning:verify>'\n");
        }
        return yaml.toString();
    }
}
