package io.keyrotator.rotation.protocol;

import io.keyrotator.rotation.KeyVersion;
import io.keyrotator.rotation.ManagedKey;
import io.keyrotator.rotation.store.WriteIntent;
import org.jspecify.annotations.Nullable;

/** What the first transaction of a Vault write decided. */
public sealed interface Begin {

    /** The intent is recorded; write to Vault with {@code intent.cas()}. */
    record Started(
            ManagedKey key, WriteIntent intent, @Nullable KeyVersion version) implements Begin {}

    /**
     * The key is gone, or its generator changed, since the caller looked it up: look it up again.
     */
    record Changed() implements Begin {}

    /** The key is in CONFLICT: only an overwriting rotation or an adoption may change it. */
    record InConflict() implements Begin {}

    /** Another write of this key is in flight. */
    record Busy() implements Begin {}

    /** What we read from Vault is older than what we last wrote: read again. */
    record Stale() implements Begin {}

    /** Re-checked under the row lock, the work is no longer due (or no longer applies). */
    record NothingToDo() implements Begin {}

    /** A forced rotation inside the minimum interval since the last one. */
    record RateLimited(java.time.Duration retryAfter) implements Begin {}

    /** An earlier request with the same Idempotency-Key created this version: nothing to do. */
    record Repeat(KeyVersion version) implements Begin {}

    /** The Idempotency-Key was first used with another request. */
    record Mismatch() implements Begin {}

    /** Vault holds a write we cannot explain: the key is now in CONFLICT. */
    record Conflict(@Nullable KeyVersion failed) implements Begin {}
}
