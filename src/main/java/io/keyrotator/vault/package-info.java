/**
 * The only code that talks to Vault: the {@link io.keyrotator.vault.SecretStore} port and its
 * Spring Vault adapter. Nothing outside this package imports {@code org.springframework.vault}.
 */
@NullMarked
package io.keyrotator.vault;

import org.jspecify.annotations.NullMarked;
