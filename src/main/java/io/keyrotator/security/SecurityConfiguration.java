package io.keyrotator.security;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletResponse;
import java.util.List;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.WebSecurityCustomizer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.server.resource.web.BearerTokenResolver;
import org.springframework.security.oauth2.server.resource.web.DefaultBearerTokenResolver;
import org.springframework.security.oauth2.server.resource.web.authentication.BearerTokenAuthenticationFilter;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.AnonymousAuthenticationFilter;
import org.springframework.security.web.firewall.RequestRejectedHandler;
import org.springframework.security.web.firewall.StrictHttpFirewall;

/**
 * A token-only API: no session, no CSRF surface, no login form, scopes per operation
 * (docs/contract.md#authentication-and-scopes). Actuator lives on the management port, exposes only
 * health, info and prometheus, and needs no credentials (anything else under {@code /actuator} is a
 * 404 there, and on the API port nothing is mapped at that path). The OpenAPI document and Swagger
 * UI are public.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@EnableConfigurationProperties(SecurityProperties.class)
class SecurityConfiguration {

    private static final String READ = "SCOPE_keys:read";
    private static final String WRITE = "SCOPE_keys:write";

    /**
     * Unknown HTTP methods reach Spring MVC, which answers 405 with the allowed ones, instead of
     * being rejected by the firewall as a 400; the firewall's other checks stay.
     */
    @Bean
    WebSecurityCustomizer anyMethodReachesTheDispatcher() {
        StrictHttpFirewall firewall = new StrictHttpFirewall();
        firewall.setUnsafeAllowAnyHttpMethod(true);
        return web -> web.httpFirewall(firewall);
    }

    /** A request the firewall refuses (say, an encoded slash in the path) is a 400 problem. */
    @Bean
    RequestRejectedHandler problemRequestRejectedHandler() {
        return (request, response, rejected) -> ProblemWriter.write(
                response,
                HttpServletResponse.SC_BAD_REQUEST,
                "validation",
                "Invalid request",
                "The request is not valid.",
                null,
                List.of(Map.of("field", "request", "message", "refused by the request firewall")));
    }

    @Bean
    ProblemAuthenticationEntryPoint problemAuthenticationEntryPoint() {
        return new ProblemAuthenticationEntryPoint();
    }

    @Bean
    @Order(1)
    SecurityFilterChain actuatorChain(HttpSecurity http) throws Exception {
        return stateless(http.securityMatcher(
                        "/actuator/**", "/v3/api-docs", "/v3/api-docs/**", "/swagger-ui/**", "/swagger-ui.html"))
                .authorizeHttpRequests(requests -> requests.anyRequest().permitAll())
                .build();
    }

    @Bean
    @Order(2)
    SecurityFilterChain apiChain(
            HttpSecurity http,
            SecurityProperties properties,
            ProblemAuthenticationEntryPoint entryPoint,
            ObjectProvider<JwtDecoder> jwtDecoder)
            throws Exception {
        ProblemAccessDeniedHandler denied = new ProblemAccessDeniedHandler();
        JwtDecoder jwt = jwtDecoder.getIfAvailable();
        ApiTokenAuthenticationFilter staticTokens =
                new ApiTokenAuthenticationFilter(properties, entryPoint, jwt != null);
        if (jwt != null) {
            // a request a static token already authenticated is not read again as a JWT
            DefaultBearerTokenResolver bearer = new DefaultBearerTokenResolver();
            BearerTokenResolver unlessAuthenticated = request ->
                    SecurityContextHolder.getContext().getAuthentication() != null ? null : bearer.resolve(request);
            http.oauth2ResourceServer(server -> server.jwt(j -> j.decoder(jwt))
                    .bearerTokenResolver(unlessAuthenticated)
                    .authenticationEntryPoint(entryPoint)
                    .accessDeniedHandler(denied));
            http.addFilterBefore(staticTokens, BearerTokenAuthenticationFilter.class);
        } else {
            http.addFilterBefore(staticTokens, AnonymousAuthenticationFilter.class);
        }
        return stateless(http)
                .authorizeHttpRequests(requests -> requests.dispatcherTypeMatchers(DispatcherType.ERROR)
                        .permitAll()
                        .requestMatchers(HttpMethod.POST, "/api/v1/keys/*/rotations")
                        .hasAuthority("SCOPE_keys:rotate")
                        // GitHub signs the body; the controller checks the signature before anything else
                        .requestMatchers(HttpMethod.POST, "/api/v1/leaks/github")
                        .permitAll()
                        .requestMatchers(HttpMethod.POST, "/api/v1/scanning/verify")
                        .hasAuthority("SCOPE_scanning:verify")
                        .requestMatchers(HttpMethod.GET, "/api/v1/scanning/rules")
                        .hasAuthority(READ)
                        .requestMatchers(HttpMethod.POST, "/api/v1/leaks")
                        .hasAuthority("SCOPE_leaks:report")
                        .requestMatchers(HttpMethod.GET, "/api/v1/leaks", "/api/v1/leaks/**")
                        .hasAuthority(READ)
                        .requestMatchers(HttpMethod.GET, "/api/v1/rotation-jobs", "/api/v1/rotation-jobs/**")
                        .hasAuthority(READ)
                        .requestMatchers("/api/v1/rotation-jobs", "/api/v1/rotation-jobs/**")
                        .hasAuthority("SCOPE_keys:rotate")
                        .requestMatchers(HttpMethod.PUT, "/api/v1/keys/*/consumers/*/instances/*")
                        .hasAuthority("SCOPE_keys:ack")
                        .requestMatchers(HttpMethod.GET, "/api/v1/keys", "/api/v1/keys/**")
                        .hasAuthority(READ)
                        .requestMatchers("/api/v1/keys", "/api/v1/keys/**")
                        .hasAuthority(WRITE)
                        .requestMatchers("/api/v1/webhooks", "/api/v1/webhooks/**")
                        .hasAuthority("SCOPE_webhooks:manage")
                        .anyRequest()
                        .authenticated())
                .exceptionHandling(handling ->
                        handling.authenticationEntryPoint(entryPoint).accessDeniedHandler(denied))
                .build();
    }

    private static HttpSecurity stateless(HttpSecurity http) throws Exception {
        return http.csrf(csrf -> csrf.disable())
                .formLogin(form -> form.disable())
                .httpBasic(basic -> basic.disable())
                .logout(logout -> logout.disable())
                .requestCache(cache -> cache.disable())
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS));
    }
}
