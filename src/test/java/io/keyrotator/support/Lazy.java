package io.keyrotator.support;

import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/** A value computed once, on first use, shared by every test class of the run. */
final class Lazy<T> {

    private final Supplier<T> supplier;
    private @Nullable T value;

    Lazy(Supplier<T> supplier) {
        this.supplier = supplier;
    }

    /** The value if it was computed, without computing it. */
    synchronized @Nullable T peek() {
        return value;
    }

    synchronized T get() {
        if (value == null) {
            value = supplier.get();
        }
        return value;
    }
}
