package io.keyrotator.consumers;

import org.jspecify.annotations.Nullable;

/**
 * The body of an acknowledgement: the newest key version the instance holds ({@code version}, a
 * published one included) and, when it differs, the version it presents as current ({@code
 * current}; by default the same).
 */
record AckRequest(@Nullable Integer version, @Nullable Integer current) {}
