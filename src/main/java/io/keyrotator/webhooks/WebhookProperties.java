package io.keyrotator.webhooks;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Webhook delivery.
 *
 * @param allowedHosts host names, {@code *.suffix} wildcards and CIDR blocks receivers may live at;
 *     empty: any public or private address but loopback, link-local, unspecified and the service's
 *     own Vault and database
 * @param retryDelays the wait before each retry; after the last one a delivery is DEAD
 * @param timeout how long one attempt may take
 * @param secretOverlap how long the old signing secret keeps signing after a secret rotation
 * @param pollInterval how often the dispatcher looks for work when nothing woke it
 * @param concurrency how many deliveries are in flight at once
 * @param secretsPath where, below {@code keyrotator.vault.mount}, signing secrets are kept
 */
@Validated
@ConfigurationProperties("keyrotator.webhooks")
public record WebhookProperties(
        @DefaultValue List<String> allowedHosts,

        @DefaultValue({"PT5S", "PT5M", "PT30M", "PT2H", "PT5H", "PT10H", "PT10H"})
        List<Duration> retryDelays,

        @DefaultValue("PT10S") Duration timeout,
        @DefaultValue("PT24H") Duration secretOverlap,
        @DefaultValue("PT5S") Duration pollInterval,
        @DefaultValue("8") int concurrency,
        @DefaultValue("keyrotator/webhooks") String secretsPath) {}
