/** Registration, validation, the key catalogue and its REST resource. */
@NullMarked
package io.keyrotator.keys;

import org.jspecify.annotations.NullMarked;
