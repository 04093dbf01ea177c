package io.keyrotator.verifier;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.BeanDefinitionRegistryPostProcessor;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.EnvironmentAware;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.vault.core.VaultOperations;

/**
 * The library, on once {@code keyrotator.verifier.consumer} is set and the service has a Vault
 * client (Spring Cloud Vault or Spring Vault). It reads with the service's own {@link
 * VaultOperations}, so with its credentials and policies.
 */
@AutoConfiguration(
        afterName = "org.springframework.cloud.vault.config.VaultAutoConfiguration",
        after = VerifierMetricsAutoConfiguration.class)
@ConditionalOnProperty(prefix = "keyrotator.verifier", name = "consumer")
@ConditionalOnBean(VaultOperations.class)
@EnableConfigurationProperties(VerifierProperties.class)
public class VerifierAutoConfiguration {

    @Bean
    KeyVerifiers keyVerifiers(VerifierProperties properties, ObjectProvider<Clock> clock) {
        Clock time = clock.getIfAvailable(Clock::systemUTC);
        return new KeyVerifiers(properties.keys().entrySet().stream()
                .map(e -> new HeldKey(e.getKey(), e.getValue(), time))
                .toList());
    }

    @Bean
    KeyRefresher keyRefresher(
            KeyVerifiers keys,
            VaultOperations vault,
            VerifierProperties properties,
            ObjectProvider<VerifierMetrics> meters) {
        VerifierMetrics metrics = meters.getIfAvailable(() -> VerifierMetrics.NONE);
        keys.all().forEach(metrics::register);
        VerifierProperties.Ack ack = properties.ack();
        Acknowledger acknowledger = ack.url() == null || ack.token() == null
                ? null
                : new Acknowledger(ack.url(), ack.token(), properties.consumer(), instance(properties), ack.timeout());
        return new KeyRefresher(
                keys.all(), new KeyReader(vault), acknowledger, metrics, properties.pollInterval(), ack.interval());
    }

    /** Each key as a bean of its own, {@code keyVerifier.<name>}, made by {@link KeyVerifiers}. */
    @Bean
    static BeanDefinitionRegistryPostProcessor keyVerifierBeans() {
        return new PerKeyBeans();
    }

    static String instance(VerifierProperties properties) {
        if (properties.instance() != null) {
            return properties.instance();
        }
        String host = System.getenv("HOSTNAME");
        if (host != null && !host.isBlank()) {
            return host;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            throw new IllegalStateException("set keyrotator.verifier.instance: the host has no name", e);
        }
    }

    private static final class PerKeyBeans implements BeanDefinitionRegistryPostProcessor, EnvironmentAware {

        private @Nullable Environment environment;

        @Override
        public void setEnvironment(Environment environment) {
            this.environment = environment;
        }

        @Override
        public void postProcessBeanDefinitionRegistry(BeanDefinitionRegistry registry) {
            if (environment == null) {
                return;
            }
            Map<String, Object> keys = Binder.get(environment)
                    .bind("keyrotator.verifier.keys", Bindable.mapOf(String.class, Object.class))
                    .orElse(Map.of());
            for (String name : keys.keySet()) {
                RootBeanDefinition definition = new RootBeanDefinition(HeldKey.class);
                definition.setFactoryBeanName("keyVerifiers");
                definition.setFactoryMethodName("held");
                definition.getConstructorArgumentValues().addGenericArgumentValue(name);
                registry.registerBeanDefinition("keyVerifier." + name, definition);
            }
        }
    }
}
