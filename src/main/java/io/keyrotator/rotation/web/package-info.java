/** Rotation's REST layer: forced rotations and a key's versions. */
@NullMarked
package io.keyrotator.rotation.web;

import org.jspecify.annotations.NullMarked;
