package io.keyrotator.security;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.http.MediaType;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes an RFC 9457 problem straight to the servlet response, for the answers given before a
 * request reaches Spring MVC (and so the exception handler): 401, 403, a firewall rejection, 413.
 */
public final class ProblemWriter {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private ProblemWriter() {}

    public static void write(
            HttpServletResponse response,
            int status,
            String slug,
            String title,
            String detail,
            @Nullable String instance,
            List<Map<String, String>> errors)
            throws IOException {
        Map<String, Object> problem = new LinkedHashMap<>();
        problem.put("type", "urn:keyrotator:problem:" + slug);
        problem.put("title", title);
        problem.put("status", status);
        problem.put("detail", detail);
        if (instance != null) {
            problem.put("instance", instance);
        }
        if (!errors.isEmpty()) {
            problem.put("errors", errors);
        }
        response.setStatus(status);
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        JSON.writeValue(response.getOutputStream(), problem);
    }
}
