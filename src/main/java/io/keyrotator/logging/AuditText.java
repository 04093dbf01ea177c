package io.keyrotator.logging;

import org.jspecify.annotations.Nullable;

/** Caller-supplied text as the audit lines write it. */
public final class AuditText {

    private AuditText() {}

    /**
     * Caller-supplied text for the one-line audit message: quotes and backslashes escaped, and
     * every control or line-breaking character written as a Java-style unicode escape, so no reason, actor or
     * source can end the line and forge another one.
     */
    public static String escaped(@Nullable String text) {
        if (text == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
