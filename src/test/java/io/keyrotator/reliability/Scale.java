package io.keyrotator.reliability;

/**
 * How big the scenarios are: {@code ci} (the default, part of {@code scripts/test.sh}, a few minutes
 * in all) or {@code long} ({@code scripts/reliability.sh}: the sizes the issue names and more).
 */
record Scale(
        String name,
        int crashKeys,
        int kills,
        int replicaKeys,
        int backlogKeys,
        int faultKeys,
        int faultSeconds,
        int sealSeconds,
        int chainRotations) {

    static Scale current() {
        return "long".equals(System.getProperty("keyrotator.reliability", System.getenv("KEYROTATOR_RELIABILITY")))
                ? new Scale("long", 400, 40, 1000, 10_000, 100, 60, 30, 100)
                : new Scale("ci", 100, 3, 200, 400, 50, 8, 6, 4);
    }
}
