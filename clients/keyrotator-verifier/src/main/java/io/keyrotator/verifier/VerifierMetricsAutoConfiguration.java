package io.keyrotator.verifier;

import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;

/** The library's meters, only where Micrometer is on the class path and a registry exists. */
@AutoConfiguration(
        afterName = "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration")
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnProperty(prefix = "keyrotator.verifier", name = "consumer")
public class VerifierMetricsAutoConfiguration {

    @Bean
    @ConditionalOnBean(MeterRegistry.class)
    VerifierMetrics keyrotatorVerifierMetrics(MeterRegistry registry) {
        return new MicrometerVerifierMetrics(registry);
    }
}
