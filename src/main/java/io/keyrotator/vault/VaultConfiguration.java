package io.keyrotator.vault;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.vault.core.VaultOperations;

/**
 * Exposes the {@link SecretStore} over the {@link VaultOperations} that Spring Cloud Vault builds
 * from {@code spring.cloud.vault.*} (token, AppRole or Kubernetes authentication).
 */
@Configuration(proxyBeanMethods = false)
class VaultConfiguration {

    @Bean
    SecretStore secretStore(VaultOperations vaultOperations) {
        return new SpringVaultSecretStore(vaultOperations);
    }
}
