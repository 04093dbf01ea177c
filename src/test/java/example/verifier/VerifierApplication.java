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

    /** A member class of the configuration, so registered without a component scan. */
    @RestController
    static class Verifier {

        private final Environment environment;

        Verifier(Environment environment) {
            this.environment = environment;
        }

        @GetMapping("/verify")
        ResponseEntity<Void> verify(@RequestHeader("X-Api-Key") String presented) {
            return accepts(presented)
                    ? ResponseEntity.ok().build()
                    : ResponseEntity.status(401).build();
        }

        private boolean accepts(String presented) {
            if (presented.equals(environment.getProperty("api_key"))
                    || presented.equals(environment.getProperty("next_api_key"))) {
                return true;
            }
            @Nullable String previousExpiresAt = environment.getProperty("previous_expires_at");
            return presented.equals(environment.getProperty("previous_api_key"))
                    && previousExpiresAt != null
                    && Instant.now().isBefore(Instant.parse(previousExpiresAt));
        }
    }
}
