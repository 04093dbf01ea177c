/**
 * The background loop the workers share (Vault side effects, webhook dispatch, leak reports,
 * rotation jobs): a leaf package that features may use and that depends on none.
 */
@NullMarked
package io.keyrotator.worker;

import org.jspecify.annotations.NullMarked;
