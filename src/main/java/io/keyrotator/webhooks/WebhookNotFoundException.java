package io.keyrotator.webhooks;

/** No webhook subscription (or delivery of it) has that id. */
public final class WebhookNotFoundException extends RuntimeException {

    private WebhookNotFoundException(String message) {
        super(message);
    }

    static WebhookNotFoundException of(Object id) {
        return new WebhookNotFoundException("No webhook subscription or delivery " + id + ".");
    }
}
