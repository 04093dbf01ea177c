package io.keyrotator.webhooks;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(WebhookProperties.class)
class WebhookConfiguration {

    @Bean
    HostResolver hostResolver() {
        return HostResolver.system();
    }

    /** The guard also refuses the service's own Vault and database, by the addresses they have when it checks. */
    @Bean
    SsrfGuard ssrfGuard(WebhookProperties properties, HostResolver resolver, Environment environment) {
        List<String> own = new ArrayList<>();
        host(environment.getProperty("spring.cloud.vault.uri")).ifPresent(own::add);
        String database = environment.getProperty("spring.datasource.url", "");
        host(database.startsWith("jdbc:") ? database.substring(5) : database).ifPresent(own::add);
        return new SsrfGuard(properties.allowedHosts(), own, resolver);
    }

    @Bean(destroyMethod = "close")
    HttpSender httpSender(WebhookProperties properties, SsrfGuard guard) {
        return new HttpSender(properties.timeout(), guard);
    }

    private static Optional<String> host(String uri) {
        try {
            return Optional.ofNullable(uri == null ? null : URI.create(uri).getHost());
        } catch (IllegalArgumentException e) {
            // an unparsable address cannot be a webhook target either
            return Optional.empty();
        }
    }
}
