package io.keyrotator.security;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Who may call the API.
 *
 * @param apiTokens static bearer tokens, configured by the hex SHA-256 of the token, never the token
 */
@Validated
@ConfigurationProperties("keyrotator.security")
record SecurityProperties(@DefaultValue List<ApiToken> apiTokens) {

    /**
     * @param name who the token is: the {@code actor} of what it does
     * @param sha256 hex SHA-256 of the token
     * @param scopes any of {@code keys:read}, {@code keys:write}, {@code keys:rotate}, {@code keys:ack},
     *     {@code webhooks:manage}
     */
    record ApiToken(
            @jakarta.validation.constraints.NotBlank String name,

            @jakarta.validation.constraints.Pattern(regexp = "[0-9a-fA-F]{64}")
            String sha256,

            @DefaultValue List<String> scopes) {

        @Override
        public String toString() {
            return "ApiToken[name=" + name + ", scopes=" + scopes + "]";
        }
    }
}
