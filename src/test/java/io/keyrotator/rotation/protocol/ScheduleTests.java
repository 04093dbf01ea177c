package io.keyrotator.rotation.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyrotator.rotation.GeneratorSpec;
import io.keyrotator.rotation.GeneratorSpec.Encoding;
import io.keyrotator.rotation.ManagedKey;
import io.keyrotator.rotation.ManagedKey.KeyState;
import io.keyrotator.rotation.RotationProperties;
import io.keyrotator.vault.KvPath;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

class ScheduleTests {

    private static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");

    private final RotationProperties properties = properties(Duration.ZERO);
    private final Schedule schedule = new Schedule(properties);

    @Test
    void anActiveKeyIsDueAtItsNextRotation() {
        assertThat(schedule.isDue(key(KeyState.ACTIVE, NOW, null), NOW)).isTrue();
        assertThat(schedule.isDue(key(KeyState.ACTIVE, NOW.plusSeconds(1), null), NOW))
                .isFalse();
    }

    @Test
    void pausedAndConflictedKeysAreNeverDue() {
        assertThat(schedule.isDue(key(KeyState.PAUSED, NOW.minusSeconds(60), null), NOW))
                .isFalse();
        assertThat(schedule.isDue(key(KeyState.CONFLICT, NOW.minusSeconds(60), null), NOW))
                .isFalse();
    }

    @Test
    void aFailedKeyWaitsForItsRetryTime() {
        ManagedKey failed = key(KeyState.ACTIVE, NOW.minusSeconds(600), NOW.plusSeconds(30));

        assertThat(schedule.isDue(failed, NOW)).isFalse();
        assertThat(schedule.isDue(failed, NOW.plusSeconds(30))).isTrue();
    }

    @Test
    void theNextRotationStartsOnePeriodLaterLessThePublishAheadLead() {
        ManagedKey key = key(KeyState.ACTIVE, NOW, null);

        assertThat(schedule.next(key, NOW))
                .isEqualTo(NOW.plus(Duration.ofDays(30)).minus(Duration.ofMinutes(5)));
    }

    @Test
    void jitterDelaysTheNextRotationByAtMostTheConfiguredAmount() {
        Schedule jittered = new Schedule(properties(Duration.ofMinutes(10)));
        Instant base = NOW.plus(Duration.ofDays(30)).minus(Duration.ofMinutes(5));

        for (int i = 0; i < 200; i++) {
            assertThat(jittered.next(key(KeyState.ACTIVE, NOW, null), NOW))
                    .isBetween(base, base.plus(Duration.ofMinutes(10)));
        }
    }

    @Test
    void retryBackoffDoublesUpToTheMaximum() {
        assertThat(properties.backoff(0)).isEqualTo(Duration.ofMinutes(1));
        assertThat(properties.backoff(1)).isEqualTo(Duration.ofMinutes(2));
        assertThat(properties.backoff(3)).isEqualTo(Duration.ofMinutes(8));
        assertThat(properties.backoff(7)).isEqualTo(Duration.ofHours(1));
        assertThat(properties.backoff(500)).isEqualTo(Duration.ofHours(1));
    }

    private static RotationProperties properties(Duration jitter) {
        return new RotationProperties(
                new RotationProperties.Scheduler(
                        Duration.ofSeconds(10), 100, 8, jitter, Duration.ofMinutes(1), Duration.ofHours(1)),
                new RotationProperties.Limits(
                        Duration.ofSeconds(10), Duration.ofMinutes(1), Duration.ZERO, Duration.ofMinutes(1)));
    }

    private static ManagedKey key(KeyState state, Instant nextRotation, @Nullable Instant nextAttempt) {
        return new ManagedKey(
                1,
                "k",
                KvPath.of("secret", "api-keys/k"),
                "api_key",
                new GeneratorSpec(32, Encoding.BASE64URL, "", false),
                Duration.ofDays(30),
                Duration.ofHours(24),
                Duration.ofMinutes(5),
                io.keyrotator.rotation.Promotion.NONE,
                io.keyrotator.rotation.OnLeak.ROTATE,
                Map.of(),
                state,
                1,
                NOW,
                nextRotation,
                nextAttempt,
                null,
                null,
                0,
                false,
                NOW,
                NOW);
    }
}
