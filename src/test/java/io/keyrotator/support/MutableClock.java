package io.keyrotator.support;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/** A clock tests move forward instead of waiting: it runs with real time plus an offset. */
public final class MutableClock extends Clock {

    private static final java.util.Set<MutableClock> CLOCKS =
            java.util.Collections.newSetFromMap(new java.util.WeakHashMap<>());

    private final AtomicReference<Duration> offset = new AtomicReference<>(Duration.ZERO);

    public MutableClock() {
        synchronized (CLOCKS) {
            CLOCKS.add(this);
        }
    }

    /** Back to real time, for every clock of this JVM: {@link TestIsolation} calls it before each test. */
    static void resetAll() {
        synchronized (CLOCKS) {
            CLOCKS.forEach(clock -> clock.offset.set(Duration.ZERO));
        }
    }

    public void advance(Duration by) {
        offset.updateAndGet(current -> current.plus(by));
    }

    @Override
    public Instant instant() {
        return Instant.now().plus(offset.get());
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
