package io.keyrotator.rotation;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyrotator.rotation.schedule.SchedulingConfiguration;
import io.keyrotator.support.Api;
import io.keyrotator.support.MutableClock;
import io.keyrotator.support.OpenBaoExtension;
import io.keyrotator.support.TestServices;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import net.javacrumbs.shedlock.core.LockConfiguration;
import net.javacrumbs.shedlock.core.LockProvider;
import net.javacrumbs.shedlock.core.SimpleLock;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The scheduler as it runs in production: Spring's @Scheduled tick under a ShedLock lock. */
// closed after the class: no background work of it reaches the next class's data
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
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

    @Autowired
    LockProvider locks;

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

    /**
     * Regression (benchmark, 100,000 keys): with virtual threads on, Spring Boot's scheduler ran every
     * fixed-delay job on one thread, and a recovery pass syncing thousands of failing keys stopped
     * the scheduler tick and the gauge refresh. Each job now has a thread of its own.
     */
    @Test
    void aLongScheduledJobDoesNotHoldTheOthersBack(@Autowired org.springframework.scheduling.TaskScheduler scheduler) {
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.atomic.AtomicInteger quickRuns = new java.util.concurrent.atomic.AtomicInteger();
        var slow = scheduler.scheduleWithFixedDelay(
                () -> {
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                },
                Duration.ofMillis(10));
        var quick = scheduler.scheduleWithFixedDelay(quickRuns::incrementAndGet, Duration.ofMillis(20));
        try {
            Awaitility.await("a quick job beside one that does not end")
                    .atMost(Duration.ofSeconds(5))
                    .until(() -> quickRuns.get() >= 5);
        } finally {
            release.countDown();
            slow.cancel(true);
            quick.cancel(true);
        }
    }

    /**
     * Regression (reliability suite, crash scenario): a replica killed while it held the scheduler's
     * lock kept every replica from scheduling and recovering for lockAtMostFor, then 15 minutes.
     * Locks are now short and kept alive while their holder lives.
     */
    @Test
    void aLockLeftByAKilledHolderRunsOutWithinThirtySecondsWhileALiveHolderKeepsIt() throws Exception {
        Optional<SimpleLock> held = locks.lock(new LockConfiguration(
                Instant.now(),
                "reliability-probe",
                Duration.parse(SchedulingConfiguration.LOCK_AT_MOST_FOR),
                Duration.ZERO));
        assertThat(held).isPresent();
        Double first = jdbc.queryForObject(
                "SELECT extract(epoch FROM lock_until - now()) FROM shedlock WHERE name = 'reliability-probe'",
                Double.class);
        assertThat(first).isLessThanOrEqualTo(30.0);

        Thread.sleep(Duration.ofSeconds(17));

        Double later = jdbc.queryForObject(
                "SELECT extract(epoch FROM lock_until - now()) FROM shedlock WHERE name = 'reliability-probe'",
                Double.class);
        assertThat(later)
                .as("the keep-alive extended the lock at half its time")
                .isGreaterThan(first - 17 + 5);
        held.get().unlock();
    }
}
