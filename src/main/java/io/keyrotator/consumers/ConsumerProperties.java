package io.keyrotator.consumers;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param expireAfter an instance not heard from for this long is no longer listed (and its report
 *     is deleted at the key's next report): a pod that is gone stops counting
 */
@ConfigurationProperties("keyrotator.consumers")
record ConsumerProperties(@DefaultValue("PT15M") Duration expireAfter) {}
