package io.keyrotator.leaks;

import io.keyrotator.rotation.KeyVersion;
import io.keyrotator.rotation.ManagedKey;
import java.time.Instant;

/** What a reported value turned out to be. */
sealed interface Finding {

    /** Not a value of any key keyrotator manages (or one it cannot tell from a guess). */
    record Unknown() implements Finding {}

    /** A value still valid: in the secret's newest KV version as current, next or previous key. */
    record Live(ManagedKey key, KeyVersion version) implements Finding {}

    /** A value keyrotator issued that is no longer valid, since {@code since}. */
    record Invalid(ManagedKey key, KeyVersion version, Instant since) implements Finding {}
}
