package io.keyrotator.rotation.protocol;

import io.keyrotator.rotation.RotationProperties;
import java.time.Clock;
import java.time.Duration;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The clock every time decision reads, so tests can move time instead of waiting for it. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(RotationProperties.class)
class ClockConfiguration {

    /**
     * {@code keyrotator.clock.offset} shifts this replica's clock, as a node whose clock is wrong
     * would: for skew drills. Leases and locks are counted in the database's time and do not move.
     */
    @Bean
    @ConditionalOnMissingBean
    Clock clock(@Value("${keyrotator.clock.offset:PT0S}") Duration offset) {
        return offset.isZero() ? Clock.systemUTC() : Clock.offset(Clock.systemUTC(), offset);
    }
}
