package io.keyrotator.rotation;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyrotator.support.Api;
import io.keyrotator.support.KeyrotatorIntegrationTest;
import io.keyrotator.support.MutableClock;
import io.keyrotator.support.OpenBaoExtension;
import io.keyrotator.support.TestServices;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

/** {@code keyrotator.limits.min-manual-interval}: forced rotations of one key are spaced out. */
@KeyrotatorIntegrationTest
@TestPropertySource(properties = "keyrotator.limits.min-manual-interval=PT5M")
class ManualRotationLimitIntegrationTests {

    @RegisterExtension
    static final OpenBaoExtension vault = new OpenBaoExtension();

    @LocalServerPort
    int port;

    @Autowired
    MutableClock clock;

    @DynamicPropertySource
    static void services(DynamicPropertyRegistry registry) {
        TestServices.register(registry, vault);
    }

    @Test
    void aSecondForcedRotationInsideTheIntervalIs429WithRetryAfter() {
        Api api = new Api(port, TestServices.TOKEN);
        api.post("/api/v1/keys", Map.of("name", "limited"));
        assertThat(api.post("/api/v1/keys/limited/rotations", null).status()).isEqualTo(201);

        clock.advance(Duration.ofMinutes(2));
        Api.Response limited = api.post("/api/v1/keys/limited/rotations", null);

        assertThat(limited.status()).isEqualTo(429);
        assertThat(limited.json()).containsEntry("type", "urn:keyrotator:problem:rate-limited");
        assertThat(Long.parseLong(limited.header("Retry-After"))).isBetween(179L, 181L);

        clock.advance(Duration.ofMinutes(3).plusSeconds(1));
        assertThat(api.post("/api/v1/keys/limited/rotations", null).status()).isEqualTo(201);
    }
}
