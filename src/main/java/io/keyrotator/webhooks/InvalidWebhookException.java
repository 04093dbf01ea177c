package io.keyrotator.webhooks;

import java.util.List;
import java.util.Map;

/** A subscription request that breaks the rules, one message per field. */
public final class InvalidWebhookException extends RuntimeException {

    private final List<Map<String, String>> errors;

    private InvalidWebhookException(List<Map<String, String>> errors) {
        super("Invalid webhook subscription");
        this.errors = List.copyOf(errors);
    }

    static InvalidWebhookException of(List<Map<String, String>> errors) {
        return new InvalidWebhookException(errors);
    }

    /** {@code {field, message}} pairs. */
    public List<Map<String, String>> errors() {
        return errors;
    }
}
