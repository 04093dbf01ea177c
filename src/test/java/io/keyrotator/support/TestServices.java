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
    /** A consumer's token, given scope {@code keys:ack} alone by the tests that acknowledge. */
    public static final String ACK_TOKEN = "verifier-token";
    /** sha256 of {@link #ACK_TOKEN}. */
    public static final String ACK_TOKEN_SHA256 = "9bfafa388ba685213d9364f1db10f03ecdeada9a4930f9cf129e7ef9bd7038a7";

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
