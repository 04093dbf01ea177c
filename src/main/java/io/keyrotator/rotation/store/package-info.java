/** Rotation's JDBC records: one class per table. Only rotation's own packages use them. */
@NullMarked
package io.keyrotator.rotation.store;

import org.jspecify.annotations.NullMarked;
