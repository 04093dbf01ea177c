/**
 * Consumers of keys: which version each instance of a dependent service reports it holds
 * (acknowledgements), listed per key; instances not heard from within
 * {@code keyrotator.consumers.expire-after} drop out.
 */
@NullMarked
package io.keyrotator.consumers;

import org.jspecify.annotations.NullMarked;
