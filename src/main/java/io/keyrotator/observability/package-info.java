/** Meters read from the database (cached), and the rotation health contributor. */
@NullMarked
package io.keyrotator.observability;

import org.jspecify.annotations.NullMarked;
