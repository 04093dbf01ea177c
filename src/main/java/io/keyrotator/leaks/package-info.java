/** Leak reports: a leaked value recognised by its fingerprint and made harmless (docs/contract.md#leaks). */
@NullMarked
package io.keyrotator.leaks;

import org.jspecify.annotations.NullMarked;
