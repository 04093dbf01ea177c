package io.keyrotator.consumers;

import org.jspecify.annotations.Nullable;

/** The body of an acknowledgement: the key version the instance now holds. */
record AckRequest(@Nullable Integer version) {}
