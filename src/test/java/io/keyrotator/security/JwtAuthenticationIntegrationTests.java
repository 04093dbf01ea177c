package io.keyrotator.security;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import io.keyrotator.support.Api;
import io.keyrotator.support.KeyrotatorIntegrationTest;
import io.keyrotator.support.OpenBaoExtension;
import io.keyrotator.support.TestServices;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** JWT bearer tokens beside the static ones, signed by a key this test makes and serves as a JWK set. */
@KeyrotatorIntegrationTest
class JwtAuthenticationIntegrationTests {

    private static final String ISSUER = "https://idp.test/realms/platform";
    private static final RSAKey SIGNING = rsaKey("signing");
    private static final RSAKey IMPOSTOR = rsaKey("signing");

    @RegisterExtension
    static final OpenBaoExtension vault = new OpenBaoExtension();

    @RegisterExtension
    static final WireMockExtension idp = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"))
            .build();

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void services(DynamicPropertyRegistry registry) {
        TestServices.register(registry, vault);
        registry.add(
                "spring.security.oauth2.resourceserver.jwt.jwk-set-uri",
                () -> "http://127.0.0.1:" + idp.getPort() + "/jwks.json");
        registry.add("spring.security.oauth2.resourceserver.jwt.issuer-uri", () -> ISSUER);
        registry.add("keyrotator.security.jwt.audience", () -> "keyrotator");
    }

    @BeforeEach
    void keys() {
        idp.stubFor(get(urlEqualTo("/jwks.json"))
                .willReturn(aResponse()
                        .withHeader("Content-Type", "application/json")
                        .withBody(new JWKSet(SIGNING.toPublicJWK()).toString())));
        Api admin = new Api(port, TestServices.TOKEN);
        admin.post("/api/v1/keys", Map.of("name", "jwt-guarded"));
    }

    @Test
    void aValidTokenWithTheScopeRotatesAndItsSubjectIsTheActor() throws Exception {
        Api.Response rotated = as(token(SIGNING, claims("keys:read keys:rotate").build()))
                .post("/api/v1/keys/jwt-guarded/rotations", Map.of("reason", "jwt"));

        assertThat(rotated.status()).as(rotated.body()).isEqualTo(201);
        assertThat(rotated.json()).containsEntry("actor", "alice");
    }

    @Test
    void scopesMayAlsoComeFromScp() throws Exception {
        JWTClaimsSet claims =
                claims(null).claim("scp", java.util.List.of("keys:read")).build();

        assertThat(as(token(SIGNING, claims)).get("/api/v1/keys/jwt-guarded").status())
                .isEqualTo(200);
    }

    @Test
    void badTokensAre401() throws Exception {
        Instant past = Instant.now().minusSeconds(3600);
        String expired = token(
                SIGNING,
                claims("keys:rotate")
                        .issueTime(Date.from(past.minusSeconds(60)))
                        .expirationTime(Date.from(past))
                        .build());
        String wrongIssuer =
                token(SIGNING, claims("keys:rotate").issuer("https://evil.test").build());
        String wrongAudience =
                token(SIGNING, claims("keys:rotate").audience("someone-else").build());
        String wrongSignature = token(IMPOSTOR, claims("keys:rotate").build());
        String unsigned = new PlainJWT(claims("keys:rotate").build()).serialize();

        for (String bad : new String[] {expired, wrongIssuer, wrongAudience, wrongSignature, unsigned, "not.a.jwt"}) {
            Api.Response response = as(bad).post("/api/v1/keys/jwt-guarded/rotations", null);
            assertThat(response.status()).as(bad).isEqualTo(401);
            assertThat(response.json()).containsEntry("type", "urn:keyrotator:problem:unauthorized");
            assertThat(response.header("WWW-Authenticate")).startsWith("Bearer");
        }
    }

    @Test
    void aValidTokenWithoutTheScopeIs403() throws Exception {
        Api.Response denied =
                as(token(SIGNING, claims("keys:read").build())).post("/api/v1/keys/jwt-guarded/rotations", null);

        assertThat(denied.status()).isEqualTo(403);
        assertThat(denied.json()).containsEntry("type", "urn:keyrotator:problem:forbidden");
    }

    @Test
    void staticTokensKeepWorkingBesideJwt() {
        assertThat(new Api(port, TestServices.TOKEN)
                        .get("/api/v1/keys/jwt-guarded")
                        .status())
                .isEqualTo(200);
    }

    private Api as(String token) {
        return new Api(port, token);
    }

    private static JWTClaimsSet.Builder claims(String scope) {
        Instant now = Instant.now();
        JWTClaimsSet.Builder builder = new JWTClaimsSet.Builder()
                .subject("alice")
                .issuer(ISSUER)
                .audience("keyrotator")
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plusSeconds(300)));
        return scope == null ? builder : builder.claim("scope", scope);
    }

    private static String token(RSAKey key, JWTClaimsSet claims) throws JOSEException {
        SignedJWT jwt = new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), claims);
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }

    private static RSAKey rsaKey(String id) {
        try {
            return new RSAKeyGenerator(2048).keyID(id).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }
}
