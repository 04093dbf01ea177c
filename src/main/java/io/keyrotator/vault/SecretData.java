package io.keyrotator.vault;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The data of a KV write as Spring Vault hands it to its HTTP client. Spring's {@code RestTemplate}
 * prints a request body with {@code toString()} at DEBUG; this one names the fields and never their
 * values. Jackson serializes it as the map it is.
 */
final class SecretData extends LinkedHashMap<String, Object> {

    SecretData(Map<String, ?> data) {
        super(data);
    }

    @Override
    public String toString() {
        return "{fields=" + keySet() + "}";
    }
}
