package io.keyrotator.security;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.security.oauth2.jwt.JwtDecoder;

/** JWT fails closed: no issuer or no audience, no start; an IdP that is down does not stop a start. */
class JwtConfigurationTests {

    private final ApplicationContextRunner context =
            new ApplicationContextRunner().withUserConfiguration(JwtConfiguration.class);

    @Test
    void aJwkSetWithoutIssuerOrAudienceRefusesToStart() {
        context.withPropertyValues("spring.security.oauth2.resourceserver.jwt.jwk-set-uri=http://127.0.0.1:9/jwks")
                .run(started -> assertThat(started.getStartupFailure())
                        .rootCause()
                        .hasMessageContaining("spring.security.oauth2.resourceserver.jwt.issuer-uri and"
                                + " keyrotator.security.jwt.audience is not set"));
    }

    @Test
    void anIssuerWithoutAudienceRefusesToStart() {
        context.withPropertyValues("spring.security.oauth2.resourceserver.jwt.issuer-uri=https://idp.test/realm")
                .run(started -> assertThat(started.getStartupFailure())
                        .rootCause()
                        .hasMessageContaining("keyrotator.security.jwt.audience is not set"));
    }

    @Test
    void anIdpThatCannotBeReachedDoesNotStopTheStart() {
        // port 9 on loopback: nothing listens, discovery would fail at once if it ran at start-up
        context.withPropertyValues(
                        "spring.security.oauth2.resourceserver.jwt.issuer-uri=http://127.0.0.1:9/realm",
                        "keyrotator.security.jwt.audience=keyrotator")
                .run(started -> {
                    assertThat(started).hasNotFailed();
                    assertThat(started).hasSingleBean(JwtDecoder.class);
                });
    }

    @Test
    void noJwtPropertiesMeansNoJwtDecoder() {
        context.run(started -> assertThat(started).doesNotHaveBean(JwtDecoder.class));
    }
}
