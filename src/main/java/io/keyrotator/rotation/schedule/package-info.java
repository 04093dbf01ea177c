/** What rotation does by itself: due rotations, follow-ups, recovery passes and retention. */
@NullMarked
package io.keyrotator.rotation.schedule;

import org.jspecify.annotations.NullMarked;
