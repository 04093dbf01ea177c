package io.keyrotator.keys;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * What a registration leaves out.
 *
 * @param rotationPeriod how often a key rotates
 * @param overlap how long the previous key stays valid after a rotation
 * @param publishAhead how long before it becomes current a new key is published to verifiers
 * @param generator how keys are generated
 */
@Validated
@ConfigurationProperties("keyrotator.defaults")
record KeyDefaults(
        @DefaultValue("P30D") Duration rotationPeriod,
        @DefaultValue("PT24H") Duration overlap,
        @DefaultValue("PT0S") Duration publishAhead,
        @DefaultValue Generator generator) {

    /**
     * @param bytes random bytes per key
     * @param encoding {@code base64url}, {@code hex} or {@code base62}
     */
    record Generator(
            @DefaultValue("32") int bytes,
            @DefaultValue("base64url") String encoding) {}
}
