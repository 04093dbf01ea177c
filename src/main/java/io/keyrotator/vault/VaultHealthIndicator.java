package io.keyrotator.vault;

import java.util.Map;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpMethod;
import org.springframework.vault.core.VaultOperations;

/**
 * Vault's {@code sys/health} as the {@code vault} health component: UP when initialised and
 * unsealed, DOWN otherwise. Replaces Spring Cloud Vault's indicator, whose Spring Vault 4.0 mapper
 * rejects OpenBao's answer (it omits {@code performance_standby}, a primitive to Jackson 3).
 * Standby and sealed answers are asked for with status 200 so the body is always readable.
 */
class VaultHealthIndicator extends AbstractHealthIndicator {

    private static final String HEALTH = "sys/health?standbyok=true&perfstandbyok=true&sealedcode=200"
            + "&uninitcode=200&drsecondarycode=200&performancestandbycode=200";

    private final VaultOperations vault;

    VaultHealthIndicator(VaultOperations vault) {
        super("Vault health check failed");
        this.vault = vault;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        Map<String, Object> health = vault.doWithVault(rest -> rest.exchange(
                        HEALTH, HttpMethod.GET, null, new ParameterizedTypeReference<Map<String, Object>>() {})
                .getBody());
        boolean initialized = health != null && Boolean.TRUE.equals(health.get("initialized"));
        boolean sealed = health == null || !Boolean.FALSE.equals(health.get("sealed"));
        (initialized && !sealed ? builder.up() : builder.down())
                .withDetail("initialized", initialized)
                .withDetail("sealed", sealed)
                .withDetail("standby", health != null && Boolean.TRUE.equals(health.get("standby")))
                .withDetail("version", health == null ? "unknown" : String.valueOf(health.get("version")));
    }
}
