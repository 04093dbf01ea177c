package io.keyrotator.vault;

import java.time.Duration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.vault.core.VaultOperations;

/**
 * Exposes the {@link SecretStore} over the {@link VaultOperations} that Spring Cloud Vault builds
 * from {@code spring.cloud.vault.*} (token, AppRole or Kubernetes authentication).
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(VaultProperties.class)
class VaultConfiguration {

    @Bean
    SecretStore secretStore(VaultOperations vaultOperations) {
        return new SpringVaultSecretStore(vaultOperations);
    }

    @Bean
    static VaultReadTimeout vaultReadTimeout(Environment environment) {
        return new VaultReadTimeout(
                Duration.ofMillis(environment.getProperty("spring.cloud.vault.read-timeout", Integer.class, 15_000)));
    }

    /** Named so that Spring Cloud Vault's own {@code vaultHealthIndicator} backs off. */
    @Bean
    VaultHealthIndicator vaultHealthIndicator(VaultOperations vaultOperations) {
        return new VaultHealthIndicator(vaultOperations);
    }
}
