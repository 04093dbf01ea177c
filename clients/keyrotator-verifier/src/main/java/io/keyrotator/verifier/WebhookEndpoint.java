package io.keyrotator.verifier;

import org.springframework.http.HttpStatus;
import org.springframework.web.servlet.function.ServerRequest;
import org.springframework.web.servlet.function.ServerResponse;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * keyrotator's {@code standard} webhook for this service: a signed delivery naming a held key makes
 * the key be read again before the answer, so a 2xx means this instance holds what the event
 * announced (and has acknowledged it). 401 for a bad or stale signature or when no secret is
 * configured, 400 for a body that is not an event, 503 when Vault could not be read (keyrotator
 * retries); events of keys this service does not hold are answered 204 and ignored.
 */
final class WebhookEndpoint {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(WebhookEndpoint.class);

    private final WebhookSignature signature;
    private final KeyRefresher refresher;
    private final JsonMapper json = JsonMapper.builder().build();

    WebhookEndpoint(WebhookSignature signature, KeyRefresher refresher) {
        this.signature = signature;
        this.refresher = refresher;
    }

    ServerResponse handle(ServerRequest request) throws Exception {
        byte[] body = request.body(byte[].class);
        var headers = request.headers();
        String refusal = signature.refusal(
                headers.firstHeader("webhook-id"),
                headers.firstHeader("webhook-timestamp"),
                headers.firstHeader("webhook-signature"),
                body);
        if (refusal != null) {
            log.warn("keyrotator webhook refused: {}", refusal);
            return ServerResponse.status(HttpStatus.UNAUTHORIZED).build();
        }
        JsonNode event;
        try {
            event = json.readTree(body);
        } catch (RuntimeException e) {
            return ServerResponse.badRequest().build();
        }
        String key = event.path("data").path("key").asString(null);
        if (key != null && refresher.holds(key) && !refresher.refresh(key)) {
            // not held yet: keyrotator retries the delivery, and the poll catches up meanwhile
            return ServerResponse.status(HttpStatus.SERVICE_UNAVAILABLE).build();
        }
        return ServerResponse.noContent().build();
    }
}
