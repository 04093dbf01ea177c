package io.keyrotator.verifier;

import java.time.Clock;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.web.servlet.function.RouterFunction;
import org.springframework.web.servlet.function.RouterFunctions;
import org.springframework.web.servlet.function.ServerResponse;

/**
 * The webhook endpoint, in servlet web applications with Spring MVC. Without
 * {@code keyrotator.verifier.webhook.secrets} it refuses every delivery (401, logged), so a
 * subscription set up before its secret was configured shows as failing rather than vanishing.
 */
@AutoConfiguration(after = VerifierAutoConfiguration.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(RouterFunction.class)
@ConditionalOnBean(KeyRefresher.class)
public class VerifierWebhookAutoConfiguration {

    @Bean
    RouterFunction<ServerResponse> keyrotatorWebhook(
            VerifierProperties properties, KeyRefresher refresher, ObjectProvider<Clock> clock) {
        VerifierProperties.Webhook webhook = properties.webhook();
        WebhookEndpoint endpoint = new WebhookEndpoint(
                new WebhookSignature(webhook.secrets(), webhook.tolerance(), clock.getIfAvailable(Clock::systemUTC)),
                refresher);
        return RouterFunctions.route().POST(webhook.path(), endpoint::handle).build();
    }
}
