package io.keyrotator.security;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import org.springframework.http.HttpHeaders;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.AuthenticationEntryPoint;

/** Answers a request without valid credentials with 401 and an RFC 9457 problem. */
class ProblemAuthenticationEntryPoint implements AuthenticationEntryPoint {

    @Override
    public void commence(
            HttpServletRequest request, HttpServletResponse response, AuthenticationException authException)
            throws IOException {
        response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
        ProblemWriter.write(
                response,
                HttpServletResponse.SC_UNAUTHORIZED,
                "unauthorized",
                "Unauthorized",
                "A valid bearer token is required.",
                request.getRequestURI(),
                List.of());
    }
}
