package io.keyrotator.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import org.springframework.http.HttpHeaders;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Authenticates {@code Authorization: Bearer <token>} against the configured token hashes. Every
 * configured hash is compared, in constant time, so the time taken says nothing about which one
 * (if any) was close. Scopes become {@code SCOPE_*} authorities. A token that matches no hash is
 * refused, unless JWT authentication is configured: then it is the resource server's to judge.
 */
class ApiTokenAuthenticationFilter extends OncePerRequestFilter {

    private static final String BEARER = "Bearer ";

    private final List<Known> tokens;
    private final AuthenticationEntryPoint entryPoint;
    private final boolean jwtFollows;

    /** @param jwtFollows whether an unknown bearer token goes on to the JWT resource server */
    ApiTokenAuthenticationFilter(
            SecurityProperties properties, AuthenticationEntryPoint entryPoint, boolean jwtFollows) {
        this.jwtFollows = jwtFollows;
        this.tokens = properties.apiTokens().stream()
                .map(t -> new Known(
                        t.name(),
                        HexFormat.of().parseHex(t.sha256().toLowerCase(java.util.Locale.ROOT)),
                        t.scopes().stream()
                                .map(s -> new SimpleGrantedAuthority("SCOPE_" + s))
                                .toList()))
                .toList();
        this.entryPoint = entryPoint;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String header = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (header == null || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            chain.doFilter(request, response);
            return;
        }
        byte[] presented = sha256(header.substring(BEARER.length()).trim());
        Known match = null;
        for (Known known : tokens) {
            if (MessageDigest.isEqual(presented, known.sha256()) && match == null) {
                match = known;
            }
        }
        if (match == null && jwtFollows) {
            chain.doFilter(request, response);
            return;
        }
        if (match == null) {
            SecurityContextHolder.clearContext();
            entryPoint.commence(request, response, new BadCredentialsException("unknown bearer token"));
            return;
        }
        var authentication = UsernamePasswordAuthenticationToken.authenticated(match.name(), null, match.scopes());
        var context = SecurityContextHolder.createEmptyContext();
        context.setAuthentication(authentication);
        SecurityContextHolder.setContext(context);
        chain.doFilter(request, response);
    }

    private static byte[] sha256(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private record Known(String name, byte[] sha256, List<SimpleGrantedAuthority> scopes) {}
}
