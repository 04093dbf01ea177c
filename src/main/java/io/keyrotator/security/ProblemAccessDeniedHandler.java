package io.keyrotator.security;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.web.access.AccessDeniedHandler;

/** Answers an authenticated request that lacks the scope with 403 and an RFC 9457 problem. */
class ProblemAccessDeniedHandler implements AccessDeniedHandler {

    @Override
    public void handle(HttpServletRequest request, HttpServletResponse response, AccessDeniedException denied)
            throws IOException {
        response.setHeader("WWW-Authenticate", "Bearer error=\"insufficient_scope\"");
        ProblemWriter.write(
                response,
                HttpServletResponse.SC_FORBIDDEN,
                "forbidden",
                "Forbidden",
                "The token lacks the scope this operation needs.",
                request.getRequestURI(),
                List.of());
    }
}
