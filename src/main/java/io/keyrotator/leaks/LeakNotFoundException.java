package io.keyrotator.leaks;

/** No leak record has the id. */
public final class LeakNotFoundException extends RuntimeException {

    LeakNotFoundException(String id) {
        super("No leak record " + id + ".");
    }
}
