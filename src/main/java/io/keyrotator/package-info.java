@NullMarked
package io.keyrotator;

import org.jspecify.annotations.NullMarked;
