/** The rotation engine, key generation, the scheduler, the overlap closer and recovery. */
@NullMarked
package io.keyrotator.rotation;

import org.jspecify.annotations.NullMarked;
