package example.verifier;

import io.keyrotator.verifier.KeyVerifiers;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.http.ResponseEntity;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * A dependent service built on the verifier library (clients/keyrotator-verifier) as its README
 * section shows: it adds the library, configures {@code keyrotator.verifier.*}, and checks
 * presented keys with the {@code KeyVerifier}s it gets. No Spring Cloud Vault config data, no
 * {@code @RefreshScope}, no {@code /actuator/refresh}: Spring Cloud Vault only gives it the Vault
 * client. Outside {@code io.keyrotator}, so keyrotator's component scan never finds it.
 */
@SpringBootConfiguration
@EnableAutoConfiguration(
        excludeName = {
            "org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration",
            "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
            "org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration"
        })
public class LibraryVerifierApplication {

    /**
     * Starts one replica on {@code port} holding {@code keys} (name to path in {@code mount});
     * {@code extra} gives the rest of {@code keyrotator.verifier.*}.
     */
    public static ConfigurableApplicationContext start(
            String vaultUri,
            String vaultToken,
            int port,
            String mount,
            Map<String, String> keys,
            Map<String, Object> extra) {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("spring.config.name", "library-verifier");
        properties.put("spring.cloud.vault.uri", vaultUri);
        properties.put("spring.cloud.vault.token", vaultToken);
        properties.put("spring.cloud.vault.kv.enabled", "false");
        properties.put("spring.cloud.vault.config.lifecycle.enabled", "false");
        properties.put("management.health.vault.enabled", "false");
        properties.put("server.port", Integer.toString(port));
        properties.put("spring.main.banner-mode", "off");
        properties.put("spring.cloud.discovery.enabled", "false");
        keys.forEach((name, path) -> {
            properties.put("keyrotator.verifier.keys." + name + ".mount", mount);
            properties.put("keyrotator.verifier.keys." + name + ".path", path);
        });
        properties.putAll(extra);
        return new SpringApplicationBuilder(LibraryVerifierApplication.class)
                .properties(properties)
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
    static class Verify {

        private final KeyVerifiers keys;

        Verify(KeyVerifiers keys) {
            this.keys = keys;
        }

        @GetMapping("/verify/{key}")
        ResponseEntity<Void> verify(@PathVariable String key, @RequestHeader("X-Api-Key") String presented) {
            return keys.verifier(key).accepts(presented)
                    ? ResponseEntity.ok().build()
                    : ResponseEntity.status(401).build();
        }
    }
}
