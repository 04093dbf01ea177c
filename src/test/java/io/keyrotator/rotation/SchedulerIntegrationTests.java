package io.keyrotator.rotation;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyrotator.support.Api;
import io.keyrotator.support.MutableClock;
import io.keyrotator.support.OpenBaoExtension;
import io.keyrotator.support.TestServices;
import java.time.Duration;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The scheduler as it runs in production: Spring's @Scheduled tick under a ShedLock lock. */
@SpringBootTest(
        webEnvironment = WebEnvironment.RANDOM_PORT,
        properties = {
            "management.server.port=0",
            "keyrotator.scheduler.poll-interval=PT0.5S",
            "keyrotator.scheduler.initial-delay=PT0S",
            "keyrotator.security.api-tokens[0].name=tester",
            "keyrotator.security.api-tokens[0].sha256=" + TestServices.TOKEN_SHA256,
            "keyrotator.security.api-tokens[0].scopes=keys:read,keys:write,keys:rotate"
        })
@Import(TestServices.class)
class SchedulerIntegrationTests {

    @RegisterExtension
    static final OpenBaoExtension vault = new OpenBaoExtension();

    @LocalServerPort
    int port;

    @Autowired
    MutableClock clock;

    @Autowired
    JdbcTemplate jdbc;

    @DynamicPropertySource
    static void services(DynamicPropertyRegistry registry) {
        TestServices.register(registry, vault);
    }

    @Test
    void theScheduledTickRotatesADueKeyUnderItsShedLock() {
        Api api = new Api(port, TestServices.TOKEN);
        api.post("/api/v1/keys", Map.of("name", "ticked", "rotationPeriod", "PT2M", "overlap", "PT1M"));

        clock.advance(Duration.ofMinutes(2).plusSeconds(1));

        Awaitility.await()
                .atMost(Duration.ofSeconds(20))
                .untilAsserted(
                        () -> assertThat(api.get("/api/v1/keys/ticked").json()).containsEntry("currentVersion", 2));
        assertThat(api.get("/api/v1/keys/ticked/versions/2").json()).containsEntry("trigger", "scheduled");
        assertThat(jdbc.queryForList("SELECT name FROM shedlock", String.class))
                .contains("keyrotator-scheduler", "keyrotator-recovery");
    }
}
