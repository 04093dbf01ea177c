/**
 * Rotation's public API: the model (a managed key, its versions, the events a rotation publishes),
 * its settings and the exceptions it throws. The work is done in the sub-packages: {@code protocol}
 * (the steps of a rotation, registration, recovery), {@code store} (its JDBC records, which only
 * rotation's own packages use), {@code schedule} (what runs by itself) and {@code web} (the REST
 * layer). ModularityTests keeps those arrows.
 */
@NullMarked
package io.keyrotator.rotation;

import org.jspecify.annotations.NullMarked;
