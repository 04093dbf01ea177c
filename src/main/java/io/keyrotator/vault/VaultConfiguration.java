package io.keyrotator.vault;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.vault.config.AbstractVaultConfiguration.ClientFactoryWrapper;
import org.springframework.vault.core.VaultOperations;

/**
 * Exposes the {@link SecretStore} over the {@link VaultOperations} that Spring Cloud Vault builds
 * from {@code spring.cloud.vault.*} (token, AppRole or Kubernetes authentication), on the HTTP
 * client of {@link VaultHttpClient}.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(VaultProperties.class)
class VaultConfiguration {

    @Bean
    SecretStore secretStore(VaultOperations vaultOperations) {
        return new SpringVaultSecretStore(vaultOperations);
    }

    /** Named and typed as Spring Cloud Vault's, which backs off; every Vault call goes through it. */
    @Bean
    ClientFactoryWrapper clientHttpRequestFactoryWrapper(
            org.springframework.cloud.vault.config.VaultProperties vault, VaultProperties properties) {
        return new ClientFactoryWrapper(VaultHttpClient.create(vault, properties.maxConnections()));
    }

    /** Named so that Spring Cloud Vault's own {@code vaultHealthIndicator} backs off. */
    @Bean
    VaultHealthIndicator vaultHealthIndicator(VaultOperations vaultOperations) {
        return new VaultHealthIndicator(vaultOperations);
    }
}
