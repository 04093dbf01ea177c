package io.keyrotator.vault;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Where keyrotator keeps keys in Vault. Connection and authentication are Spring Cloud Vault's
 * {@code spring.cloud.vault.*}.
 *
 * @param mount the KV v2 mount that holds managed keys unless a key names its own
 * @param pathPrefix the path below the mount for a key registered without an explicit path
 * @param destroySuperseded whether KV versions holding a key that stopped being valid are destroyed
 * @param maxConnections the most connections to Vault at once; a rotation holds one only for the
 *     length of one call, and a call that finds them all busy waits up to
 *     {@code spring.cloud.vault.connection-timeout}
 */
@Validated
@ConfigurationProperties("keyrotator.vault")
public record VaultProperties(
        @DefaultValue("secret") @jakarta.validation.constraints.NotBlank
        String mount,

        @DefaultValue("api-keys") @jakarta.validation.constraints.NotBlank
        String pathPrefix,

        @DefaultValue("true") boolean destroySuperseded,

        @DefaultValue("64") @jakarta.validation.constraints.Min(1)
        int maxConnections) {}
