package io.keyrotator.verifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.vault.core.VaultOperations;
import org.springframework.web.servlet.function.RouterFunction;

class VerifierAutoConfigurationTests {

    private static final AutoConfigurations LIBRARY = AutoConfigurations.of(
            VerifierAutoConfiguration.class,
            VerifierMetricsAutoConfiguration.class,
            VerifierWebhookAutoConfiguration.class);

    private final ApplicationContextRunner plain = new ApplicationContextRunner()
            .withConfiguration(LIBRARY)
            .withBean(VaultOperations.class, () -> mock(VaultOperations.class))
            .withPropertyValues("keyrotator.verifier.instance=test-1", "keyrotator.verifier.poll-interval=PT1H");

    @Test
    void nothingIsConfiguredWithoutAConsumerName() {
        plain.withPropertyValues("keyrotator.verifier.keys.payments.path=api-keys/payments")
                .run(context -> assertThat(context).doesNotHaveBean(KeyVerifiers.class));
    }

    @Test
    void eachKeyIsABeanOfItsOwn() {
        plain.withPropertyValues(
                        "keyrotator.verifier.consumer=orders",
                        "keyrotator.verifier.keys.payments.path=api-keys/payments",
                        "keyrotator.verifier.keys.search.path=api-keys/search")
                .run(context -> {
                    assertThat(context).hasSingleBean(KeyVerifiers.class);
                    assertThat(context.getBean("keyVerifier.payments", KeyVerifier.class)
                                    .name())
                            .isEqualTo("payments");
                    assertThat(context.getBean("keyVerifier.search", KeyProvider.class)
                                    .name())
                            .isEqualTo("search");
                    assertThat(context.getBean(KeyVerifiers.class)
                                    .verifier("payments")
                                    .accepts("anything"))
                            .as("nothing read from the mocked Vault: nothing accepted")
                            .isFalse();
                });
    }

    @Test
    void itStartsWithoutMicrometerOnTheClassPath() {
        plain.withClassLoader(new FilteredClassLoader("io.micrometer"))
                .withPropertyValues(
                        "keyrotator.verifier.consumer=orders",
                        "keyrotator.verifier.keys.payments.path=api-keys/payments")
                .run(context -> {
                    assertThat(context).hasNotFailed().hasSingleBean(KeyRefresher.class);
                    assertThat(context).doesNotHaveBean(VerifierMetrics.class);
                });
    }

    @Test
    void itMeasuresWhereARegistryExists() {
        plain.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
                .withPropertyValues(
                        "keyrotator.verifier.consumer=orders",
                        "keyrotator.verifier.keys.payments.path=api-keys/payments")
                .run(context -> assertThat(context.getBean(MeterRegistry.class)
                                .get("keyrotator.verifier.key.version")
                                .tag("key", "payments")
                                .gauge())
                        .isNotNull());
    }

    @Test
    void theWebhookEndpointExistsInServletApplicationsWithSpringMvcOnly() {
        WebApplicationContextRunner web = new WebApplicationContextRunner()
                .withConfiguration(LIBRARY)
                .withBean(VaultOperations.class, () -> mock(VaultOperations.class))
                .withPropertyValues(
                        "keyrotator.verifier.consumer=orders",
                        "keyrotator.verifier.instance=test-1",
                        "keyrotator.verifier.poll-interval=PT1H",
                        "keyrotator.verifier.keys.payments.path=api-keys/payments");

        web.run(context -> assertThat(context).hasSingleBean(RouterFunction.class));
        web.withClassLoader(new FilteredClassLoader(RouterFunction.class))
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(RouterFunction.class));
        plain.withPropertyValues(
                        "keyrotator.verifier.consumer=orders",
                        "keyrotator.verifier.keys.payments.path=api-keys/payments")
                .run(context -> assertThat(context).doesNotHaveBean(RouterFunction.class));
    }
}
