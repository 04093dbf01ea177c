package io.keyrotator.vault;

import java.time.Duration;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.vault.config.AbstractVaultConfiguration.ClientFactoryWrapper;

/**
 * Gives the JDK HTTP client Spring Vault talks through the read timeout of
 * {@code spring.cloud.vault.read-timeout}. Spring Vault 4.0 sets only the connect timeout on it, so
 * a Vault that accepts the connection and never answers (frozen, or behind a hung proxy) would hold
 * a rotation, and its intent, forever. {@code VaultOutageIntegrationTests} freezes OpenBao with
 * SIGSTOP to pin this.
 */
final class VaultReadTimeout implements BeanPostProcessor {

    private final Duration readTimeout;

    VaultReadTimeout(Duration readTimeout) {
        this.readTimeout = readTimeout;
    }

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) {
        if (bean instanceof ClientFactoryWrapper wrapper
                && wrapper.getClientHttpRequestFactory() instanceof JdkClientHttpRequestFactory jdk) {
            jdk.setReadTimeout(readTimeout);
        }
        return bean;
    }
}
