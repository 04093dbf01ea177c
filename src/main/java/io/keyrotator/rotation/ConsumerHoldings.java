package io.keyrotator.rotation;

import java.util.Collection;
import java.util.List;

/**
 * What the live instances of a key's consumers report they hold, as the consumers package knows
 * it: the rotation protocol reads it to gate promotion without depending on that package.
 */
public interface ConsumerHoldings {

    /** The instances of {@code consumers} heard from within the expiry, by consumer and instance. */
    List<Holding> live(long keyId, Collection<String> consumers);

    /**
     * @param version the newest version the instance holds (a published one included)
     * @param current the version it presents as current
     */
    record Holding(String consumer, String instance, int version, int current) {}
}
