package io.keyrotator.webhooks;

import java.net.InetAddress;
import java.net.URI;
import java.util.HashSet;
import java.util.Set;
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

    /** The guard also refuses the service's own Vault and database, whatever their address. */
    @Bean
    SsrfGuard ssrfGuard(WebhookProperties properties, HostResolver resolver, Environment environment) {
        Set<InetAddress> own = new HashSet<>();
        addHost(own, environment.getProperty("spring.cloud.vault.uri"), resolver);
        String database = environment.getProperty("spring.datasource.url", "");
        addHost(own, database.startsWith("jdbc:") ? database.substring(5) : database, resolver);
        return new SsrfGuard(properties.allowedHosts(), own, resolver);
    }

    @Bean
    HttpSender httpSender(WebhookProperties properties) {
        return new HttpSender(properties.timeout());
    }

    private static void addHost(Set<InetAddress> addresses, String uri, HostResolver resolver) {
        try {
            String host = uri == null ? null : URI.create(uri).getHost();
            if (host != null) {
                addresses.addAll(resolver.resolve(host));
            }
        } catch (IllegalArgumentException | java.net.UnknownHostException e) {
            // an unparsable or unresolvable address cannot be a webhook target either
        }
    }
}
