package io.keyrotator.support;

import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.test.context.DynamicPropertyRegistry;

/** Beans and properties every {@link KeyrotatorIntegrationTest} shares. */
@TestConfiguration(proxyBeanMethods = false)
public class TestServices {

    public static final String TOKEN = "test-token-with-every-scope";
    /** sha256 of {@link #TOKEN}. */
    public static final String TOKEN_SHA256 = "b8e2fd71215dc72a95749c26c594c74ab18b236dccf3d54ea7a7b1c84b704e6e";

    @Bean
    @Primary
    MutableClock mutableClock() {
        return new MutableClock();
    }

    public static void register(DynamicPropertyRegistry registry, OpenBaoExtension vault) {
        TestDatabase.shared().registerProperties(registry);
        vault.registerProperties(registry);
    }
}
