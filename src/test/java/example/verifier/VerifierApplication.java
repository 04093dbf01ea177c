package example.verifier;

import java.time.Instant;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.http.ResponseEntity;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * Outside {@code io.keyrotator} so keyrotator's component scan never finds it. A dependent
 * service as docs/contract.md#data-fields describes one: it reads its key from OpenBao through Spring Cloud
 * Vault (config data), accepts {@code api_key}, {@code next_api_key} and {@code previous_api_key}
 * until {@code previous_expires_at}, and re-reads the secret when keyrotator's
 * {@code spring-cloud-refresh} webhook posts to its {@code /actuator/refresh}.
 */
@SpringBootConfiguration
@EnableAutoConfiguration(
        excludeName = "org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration")
public class VerifierApplication {

    /** Starts a verifier of {@code mount/path}; the database properties only satisfy auto-configuration. */
    public static ConfigurableApplicationContext start(
            String vaultUri, String token, String mount, String path, Map<String, Object> database) {
        return new SpringApplicationBuilder(VerifierApplication.class)
                .properties(Map.of(
                        "spring.config.name", "verifier",
                        "spring.config.import", "vault://",
                        "spring.cloud.vault.uri", vaultUri,
                        "spring.cloud.vault.token", token,
                        "spring.cloud.vault.kv.enabled", "true",
                        "spring.cloud.vault.kv.backend", mount,
                        "spring.cloud.vault.kv.application-name", path,
                        "spring.cloud.vault.kv.default-context", path,
                        "management.health.vault.enabled", "false"))
                .properties(Map.of(
                        "server.port", "0",
                        "management.endpoints.web.exposure.include", "refresh",
                        "spring.flyway.enabled", "false",
                        "spring.jpa.hibernate.ddl-auto", "none",
                        "spring.main.banner-mode", "off",
                        "spring.cloud.discovery.enabled", "false"))
                .properties(database)
                .run();
    }

    @Bean
    SecurityFilterChain open(HttpSecurity http) throws Exception {
        return http.authorizeHttpRequests(requests -> requests.anyRequest().permitAll())
                .csrf(csrf -> csrf.disable())
                .build();
    }

    /**
     * A member class of the configuration, so registered without a component scan. The keys are
     * read into one snapshot when the environment changes, never field by field per request: a
     * refresh swaps the Vault property source while a request may be between two reads, and a read
     * of the old {@code api_key} followed by the new {@code next_api_key} (gone once the key is
     * promoted) rejected a valid key.
     */
    @RestController
    static class Verifier {

        private final Environment environment;
        private volatile Keys keys;

        Verifier(Environment environment) {
            this.environment = environment;
            this.keys = Keys.of(environment);
        }

        /** The keys as one consistent read. */
        record Keys(
                @Nullable String current,
                @Nullable String next,
                @Nullable String previous,
                @Nullable String previousExpiresAt) {

            static Keys of(Environment environment) {
                return new Keys(
                        environment.getProperty("api_key"),
                        environment.getProperty("next_api_key"),
                        environment.getProperty("previous_api_key"),
                        environment.getProperty("previous_expires_at"));
            }
        }

        @org.springframework.context.event.EventListener(
                org.springframework.cloud.context.environment.EnvironmentChangeEvent.class)
        void reload() {
            keys = Keys.of(environment);
        }

        @GetMapping("/verify")
        ResponseEntity<Void> verify(@RequestHeader("X-Api-Key") String presented) {
            return accepts(presented)
                    ? ResponseEntity.ok().build()
                    : ResponseEntity.status(401).build();
        }

        private boolean accepts(String presented) {
            Keys held = keys;
            if (presented.equals(held.current()) || presented.equals(held.next())) {
                return true;
            }
            return presented.equals(held.previous())
                    && held.previousExpiresAt() != null
                    && Instant.now().isBefore(Instant.parse(held.previousExpiresAt()));
        }
    }
}
