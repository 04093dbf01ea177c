package io.keyrotator.vault;

import java.util.regex.Pattern;

/**
 * A KV v2 secret: the mount it lives on and its path below the mount, without the {@code data/}
 * or {@code metadata/} segment.
 */
public record KvPath(String mount, String path) {

    private static final Pattern SEGMENTS = Pattern.compile("[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*");

    public KvPath {
        requireSegments("mount", mount, 128);
        requireSegments("path", path, 256);
    }

    public static KvPath of(String mount, String path) {
        return new KvPath(mount, path);
    }

    private static void requireSegments(String what, String value, int maxLength) {
        if (value.length() > maxLength || !SEGMENTS.matcher(value).matches()) {
            throw new IllegalArgumentException("invalid KV " + what + ": " + value);
        }
        for (String segment : value.split("/")) {
            if (segment.equals(".") || segment.equals("..")) {
                throw new IllegalArgumentException("invalid KV " + what + ": " + value);
            }
        }
    }

    @Override
    public String toString() {
        return mount + "/" + path;
    }
}
