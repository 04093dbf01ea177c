/**
 * The protocol of a rotation (read, begin, write, confirm, after-effects) and everything that uses
 * its steps: registration, adoption, publish-ahead, promotion, overlap close, recovery and the
 * deferred Vault work. {@code RotationEngine}, {@code Registration}, {@code Adoption}, {@code
 * KeyCatalog} and {@code KeyStatuses} are what other features call.
 */
@NullMarked
package io.keyrotator.rotation.protocol;

import org.jspecify.annotations.NullMarked;
