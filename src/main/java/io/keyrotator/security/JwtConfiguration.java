package io.keyrotator.security;

import java.util.List;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimNames;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtDecoders;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.jwt.SupplierJwtDecoder;

/**
 * JWT bearer tokens, when {@code spring.security.oauth2.resourceserver.jwt.issuer-uri} or {@code
 * jwk-set-uri} is set. Fails closed: with JWT on, both an issuer ({@code issuer-uri}) and an
 * audience ({@code keyrotator.security.jwt.audience}) must be configured, or the service refuses to
 * start, because a shared IdP signs tokens for every tenant and only those two claims tell ours
 * apart. Signature (from the JWK set), expiry, issuer and audience are checked; scopes come from
 * {@code scope}/{@code scp}, and the actor is {@code sub}. Nothing is fetched at start-up: the JWK
 * set (or, without {@code jwk-set-uri}, the issuer's discovery document) is read on the first JWT,
 * so an IdP outage cannot keep keyrotator from starting and serving static tokens.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnExpression("'${spring.security.oauth2.resourceserver.jwt.jwk-set-uri:}' != ''"
        + " or '${spring.security.oauth2.resourceserver.jwt.issuer-uri:}' != ''")
class JwtConfiguration {

    @Bean
    JwtDecoder jwtDecoder(
            @Value("${spring.security.oauth2.resourceserver.jwt.jwk-set-uri:}") String jwkSetUri,
            @Value("${spring.security.oauth2.resourceserver.jwt.issuer-uri:}") String issuer,
            @Value("${keyrotator.security.jwt.audience:}") String audience) {
        if (issuer.isBlank() || audience.isBlank()) {
            throw new IllegalStateException("JWT authentication is on, but "
                    + (issuer.isBlank() ? "spring.security.oauth2.resourceserver.jwt.issuer-uri" : "")
                    + (issuer.isBlank() && audience.isBlank() ? " and " : "")
                    + (audience.isBlank() ? "keyrotator.security.jwt.audience" : "")
                    + " is not set: without both, a token another tenant of the same IdP got would be accepted");
        }
        OAuth2TokenValidator<Jwt> validator = new DelegatingOAuth2TokenValidator<>(List.of(
                JwtValidators.createDefaultWithIssuer(issuer),
                new JwtClaimValidator<List<String>>(
                        JwtClaimNames.AUD, audiences -> audiences != null && audiences.contains(audience))));
        return new SupplierJwtDecoder(() -> {
            NimbusJwtDecoder decoder = jwkSetUri.isBlank()
                    ? (NimbusJwtDecoder) JwtDecoders.fromIssuerLocation(issuer)
                    : NimbusJwtDecoder.withJwkSetUri(jwkSetUri).build();
            decoder.setJwtValidator(validator);
            return decoder;
        });
    }
}
