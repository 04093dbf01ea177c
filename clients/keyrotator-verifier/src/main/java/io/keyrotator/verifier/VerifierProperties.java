package io.keyrotator.verifier;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code keyrotator.verifier.*}: the keys this service holds, and how it hears of new ones.
 *
 * @param consumer this service's name, as keyrotator's gated promotion awaits it; the library is
 *     off without it
 * @param instance this replica, unique among the consumer's; defaults to the host name (the pod)
 * @param keys the keys to hold, by keyrotator's key name
 * @param pollInterval how often KV metadata is read for a version a webhook did not announce
 */
@ConfigurationProperties("keyrotator.verifier")
public record VerifierProperties(
        @Nullable String consumer,
        @Nullable String instance,
        @DefaultValue Map<String, KeySpec> keys,
        @DefaultValue("PT30S") Duration pollInterval,
        @DefaultValue Ack ack,
        @DefaultValue Webhook webhook) {

    /** Where the key lives: keyrotator's {@code vaultMount}, {@code vaultPath} and {@code vaultField}. */
    public record KeySpec(
            @DefaultValue("secret") String mount,
            @Nullable String path,
            @DefaultValue("api_key") String field) {

        String pathOf(String name) {
            return path != null ? path : "api-keys/" + name;
        }
    }

    /**
     * @param url keyrotator's base URL (for example {@code http://keyrotator:8080}); no
     *     acknowledgements without it
     * @param token a keyrotator API token of scope {@code keys:ack} only
     * @param interval how often the acknowledgement is repeated, so that keyrotator keeps this
     *     instance live: shorter than keyrotator's {@code keyrotator.consumers.expire-after}
     */
    public record Ack(
            @Nullable URI url,
            @Nullable String token,
            @DefaultValue("PT5S") Duration timeout,
            @DefaultValue("PT1M") Duration interval) {

        @Override
        public String toString() {
            return "Ack[url=" + url + ", token=" + (token == null ? null : "(set)") + ", timeout=" + timeout
                    + ", interval=" + interval + "]";
        }
    }

    /**
     * @param path where keyrotator's {@code standard} webhook posts
     * @param secrets the subscription's signing secrets ({@code whsec_…}); two during a secret rotation
     * @param tolerance how far a delivery's timestamp may be from this clock
     */
    public record Webhook(
            @DefaultValue("/keyrotator/webhook") String path,
            @DefaultValue List<String> secrets,
            @DefaultValue("PT5M") Duration tolerance) {

        @Override
        public String toString() {
            return "Webhook[path=" + path + ", secrets=(" + secrets.size() + "), tolerance=" + tolerance + "]";
        }
    }
}
