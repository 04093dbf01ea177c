package io.keyrotator.rotation.store;

/** The per-row backoff of the sync worker and of recovery: 5 s × 2^failures, at most an hour. */
final class Backoff {

    private Backoff() {}

    /** SQL for {@code now()} plus the backoff after {@code failures} (a column) failures. */
    static String after(String failures) {
        return "now() + make_interval(secs => LEAST(3600, 5 * power(2, LEAST(" + failures + ", 10))))";
    }
}
