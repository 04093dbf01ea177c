package io.keyrotator.webhooks;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetAddress;
import java.net.Proxy;
import java.net.URI;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import okhttp3.ConnectionPool;
import okhttp3.Dns;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.jspecify.annotations.Nullable;

/**
 * One POST to a receiver: redirects are not followed, the response body is not read, and the
 * answer is reduced to a status, a Retry-After and an error code (no receiver text).
 *
 * <p>OkHttp, for its {@link Dns} hook: the connection goes to the very addresses the {@link SsrfGuard}
 * checked, so a name that resolves somewhere else between the check and the connect (DNS rebinding)
 * is refused instead of called. The JDK client resolves names itself and offers no such hook. An
 * address written in the URL is checked by the guard before the call (OkHttp does not look it up).
 */
final class HttpSender {

    private final OkHttpClient http;

    HttpSender(Duration timeout, SsrfGuard guard) {
        this.http = new OkHttpClient.Builder()
                .dns(guard::addressesToConnect)
                // a proxy would resolve the name itself, past the guard
                .proxy(Proxy.NO_PROXY)
                .followRedirects(false)
                .followSslRedirects(false)
                .retryOnConnectionFailure(false)
                .connectTimeout(timeout)
                .readTimeout(timeout)
                .writeTimeout(timeout)
                // the whole call: a receiver that trickles its headers cannot hold the dispatcher
                .callTimeout(timeout)
                .connectionPool(new ConnectionPool(16, 30, TimeUnit.SECONDS))
                .build();
    }

    /** @param allDelivered every address of an every-address delivery has it (whatever {@code status}) */
    record Outcome(
            int status,
            @Nullable Duration retryAfter,
            @Nullable String error,
            boolean allDelivered) {

        Outcome(int status, @Nullable Duration retryAfter, @Nullable String error) {
            this(status, retryAfter, error, false);
        }

        boolean delivered() {
            return allDelivered || (status >= 200 && status < 300);
        }
    }

    /**
     * @param address the one address to connect to, already checked by the guard; {@code null}: the
     *     host's, through the guard
     */
    Outcome post(URI url, Map<String, String> headers, byte[] body, @Nullable InetAddress address) {
        Request.Builder request = new Request.Builder().url(url.toString()).post(RequestBody.create(body, null));
        headers.forEach(request::header);
        // a client of its own Dns shares the pool and threads; connections are not shared across Dns
        OkHttpClient client = address == null
                ? http
                : http.newBuilder().dns(host -> List.of(address)).build();
        // the body is not read: closing it unread drops the connection, so trickling it holds nothing
        try (Response response = client.newCall(request.build()).execute()) {
            Duration retryAfter = retryAfter(response.header("Retry-After"));
            return new Outcome(response.code(), retryAfter, response.code() < 300 ? null : "http-status");
        } catch (SsrfGuard.RefusedAddressException e) {
            return new Outcome(0, null, "address-refused");
        } catch (InterruptedIOException e) {
            // the call timeout, a read or connect timeout (SocketTimeoutException is one)
            return new Outcome(0, null, Thread.currentThread().isInterrupted() ? "interrupted" : "timeout");
        } catch (IOException e) {
            return new Outcome(0, null, "connection-failed");
        }
    }

    /** Pooled connections are closed on shutdown (synchronous calls start no dispatcher threads). */
    void close() {
        http.connectionPool().evictAll();
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
