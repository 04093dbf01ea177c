package io.keyrotator.verifier;

import java.net.URI;
import java.net.http.HttpClient;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaType;
import org.springframework.http.client.BufferingClientHttpRequestFactory;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientException;

/**
 * Tells keyrotator which version this instance holds
 * ({@code PUT /api/v1/keys/{name}/consumers/{consumer}/instances/{instance}}), so gated promotion
 * can wait for it. A failed report is logged and repeated at the next poll.
 */
final class Acknowledger {

    private static final Logger log = LoggerFactory.getLogger(Acknowledger.class);

    private final RestClient client;
    private final String consumer;
    private final String instance;

    Acknowledger(URI url, String token, String consumer, String instance, java.time.Duration timeout) {
        JdkClientHttpRequestFactory requests = new JdkClientHttpRequestFactory(
                HttpClient.newBuilder().connectTimeout(timeout).build());
        requests.setReadTimeout(timeout);
        this.client = RestClient.builder()
                .baseUrl(url.toString())
                // buffered, so the body goes with a Content-Length: keyrotator refuses bodies without one
                .requestFactory(new BufferingClientHttpRequestFactory(requests))
                .defaultHeader("Authorization", "Bearer " + token)
                .build();
        this.consumer = consumer;
        this.instance = instance;
    }

    /** {@code version}: the newest held (a published key's); {@code current}: the one presented. */
    boolean report(String key, int version, int current) {
        try {
            client.put()
                    .uri("/api/v1/keys/{key}/consumers/{consumer}/instances/{instance}", key, consumer, instance)
                    .contentType(MediaType.APPLICATION_JSON)
                    .body(Map.of("version", version, "current", current))
                    .retrieve()
                    .toBodilessEntity();
            return true;
        } catch (RestClientException e) {
            log.warn("Could not report version {} of key {} to keyrotator: {}", version, key, e.getMessage());
            return false;
        }
    }
}
