/**
 * Masking of secrets in every log line, whatever library writes it: a leaf package that every
 * feature may use and that depends on none.
 */
@NullMarked
package io.keyrotator.logging;

import org.jspecify.annotations.NullMarked;
