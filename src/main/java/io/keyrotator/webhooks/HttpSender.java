package io.keyrotator.webhooks;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One POST to a receiver: redirects are not followed, the response body is not read, and the answer is reduced to a status, a Retry-After and an error code (no receiver text).
 */
final class HttpSender {

    private final HttpClient http;
    private final Duration timeout;

    HttpSender(Duration timeout) {
        this.timeout = timeout;
        this.http = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(timeout)
                .build();
    }

    record Outcome(
            int status,
            @Nullable Duration retryAfter,
            @Nullable String error) {

        boolean delivered() {
            return status >= 200 && status < 300;
        }
    }

    Outcome post(URI url, Map<String, String> headers, byte[] body) {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(url).timeout(timeout).POST(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(request::header);
        try {
            HttpResponse<InputStream> response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            // the body is not read: a receiver that trickles it cannot hold the dispatcher
            response.body().close();
            Duration retryAfter =
                    retryAfter(response.headers().firstValue("Retry-After").orElse(null));
            return new Outcome(response.statusCode(), retryAfter, response.statusCode() < 300 ? null : "http-status");
        } catch (java.net.http.HttpTimeoutException e) {
            return new Outcome(0, null, "timeout");
        } catch (IOException e) {
            return new Outcome(0, null, "connection-failed");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome(0, null, "interrupted");
        }
    }

    static @Nullable Duration retryAfter(@Nullable String header) {
        if (header == null || header.isBlank()) {
            return null;
        }
        try {
            return Duration.ofSeconds(Long.parseLong(header.trim()));
        } catch (NumberFormatException notSeconds) {
            try {
                ZonedDateTime at = ZonedDateTime.parse(header.trim(), DateTimeFormatter.RFC_1123_DATE_TIME);
                Duration wait = Duration.between(java.time.Instant.now(), at.toInstant());
                return wait.isNegative() ? Duration.ZERO : wait;
            } catch (java.time.format.DateTimeParseException e) {
                return null;
            }
        }
    }
}
