package io.keyrotator.leaks;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code keyrotator.leaks}.
 *
 * @param lease how long a report's handler owns it before the worker may take it over; longer than
 *     {@code keyrotator.limits.rotation-wait} plus a rotation
 * @param pollInterval how often the worker looks for reports to retry (it is also woken at once)
 * @param github the GitHub secret scanning partner endpoint
 */
@ConfigurationProperties("keyrotator.leaks")
record LeakProperties(
        @DefaultValue("PT1M") Duration lease,
        @DefaultValue("PT10S") Duration pollInterval,
        @DefaultValue Github github) {

    /**
     * @param publicKeys GitHub's signing keys, each with the identifier GitHub sends in {@code
     *     Github-Public-Key-Identifier}; none means the endpoint refuses every request
     * @param maxTokens the most tokens one request may carry
     */
    record Github(
            @DefaultValue List<PublicKey> publicKeys,
            @DefaultValue("1000") int maxTokens) {}

    /** @param key the PEM ({@code -----BEGIN PUBLIC KEY-----}) of an ECDSA P-256 public key */
    record PublicKey(String identifier, String key) {
        @Override
        public String toString() {
            return "PublicKey[identifier=" + identifier + "]";
        }
    }
}
