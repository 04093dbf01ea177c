package io.keyrotator.rotation.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyrotator.rotation.GeneratorSpec;
import io.keyrotator.rotation.GeneratorSpec.Encoding;
import io.keyrotator.rotation.ManagedKey;
import io.keyrotator.rotation.Promotion;
import io.keyrotator.vault.KvPath;
import io.keyrotator.vault.SecretVersion;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class VaultPayloadsTests {

    private static final Instant NOW = Instant.parse("2026-11-22T10:00:00.123Z");
    private final ManagedKey key = key("token");

    @Test
    void rotationKeepsTheOldKeyAsPreviousUntilTheWindowEnds() {
        SecretVersion latest = version(Map.of("token", "old", "key_version", 1, "rotated_at", "x"));

        Map<String, Object> data =
                VaultPayloads.rotation(latest, key, KeyMaterial.of("new"), 2, NOW.plus(Duration.ofHours(24)), NOW);

        assertThat(data)
                .containsEntry("token", "new")
                .containsEntry("previous_token", "old")
                .containsEntry("previous_expires_at", "2026-11-23T10:00:00Z")
                .containsEntry("key_version", 2)
                .containsEntry("rotated_at", "2026-11-22T10:00:00Z");
    }

    @Test
    void emergencyRotationDropsTheOldKeyAndAnOlderPrevious() {
        SecretVersion latest = version(Map.of(
                "token",
                "old",
                "previous_token",
                "older",
                "previous_expires_at",
                "soon",
                "next_token",
                "published",
                "next_active_at",
                "later"));

        Map<String, Object> data = VaultPayloads.rotation(latest, key, KeyMaterial.of("new"), 3, null, NOW);

        assertThat(data).containsOnlyKeys("token", "key_version", "rotated_at").containsEntry("token", "new");
    }

    @Test
    void fieldsKeyrotatorDoesNotOwnAreCarriedOver() {
        SecretVersion latest = version(Map.of("token", "old", "endpoint", "https://x", "limits", Map.of("rps", 10)));

        Map<String, Object> data = VaultPayloads.rotation(latest, key, KeyMaterial.of("new"), 2, NOW, NOW);

        assertThat(data).containsEntry("endpoint", "https://x").containsEntry("limits", Map.of("rps", 10));
    }

    @Test
    void publishAddsTheNextKeyAndKeepsTheCurrentOne() {
        SecretVersion latest = version(
                Map.of("token", "current", "key_version", 4, "previous_token", "old", "previous_expires_at", "soon"));

        Map<String, Object> data = VaultPayloads.publish(latest, key, KeyMaterial.of("next"), 5, NOW);

        assertThat(data)
                .containsEntry("token", "current")
                .containsEntry("key_version", 4)
                .containsEntry("next_token", "next")
                .containsEntry("next_active_at", "2026-11-22T10:00:00Z")
                .containsEntry("next_key_version", 5)
                .doesNotContainKeys("previous_token", "previous_expires_at");
    }

    @Test
    void promotionMakesThePublishedKeyCurrent() {
        SecretVersion latest = version(
                Map.of("token", "current", "next_token", "next", "next_active_at", "now", "next_key_version", 5));

        Map<String, Object> data = VaultPayloads.promotion(latest, key, 5, NOW.plusSeconds(60), NOW);

        assertThat(data)
                .containsEntry("token", "next")
                .containsEntry("previous_token", "current")
                .containsEntry("key_version", 5)
                .containsEntry("previous_expires_at", "2026-11-22T10:01:00Z")
                .doesNotContainKeys("next_token", "next_active_at", "next_key_version");
    }

    @Test
    void aGatedKeyAdvertisesThePreviousKeyUntilTheLatestItsOverlapMayCloseAt() {
        ManagedKey base = key("token");
        ManagedKey gated = new ManagedKey(
                base.id(),
                base.name(),
                base.vaultPath(),
                base.vaultField(),
                base.generator(),
                base.rotationPeriod(),
                base.overlap(),
                base.publishAhead(),
                new Promotion(List.of("orders"), Duration.ofMinutes(10), Promotion.OnTimeout.HOLD),
                io.keyrotator.rotation.OnLeak.ROTATE,
                base.labels(),
                base.state(),
                base.lastVaultVersion(),
                base.lastRotatedAt(),
                base.nextRotationAt(),
                base.nextAttemptAt(),
                base.lastFailureAt(),
                base.lastFailureReason(),
                base.failureCount(),
                base.declared(),
                base.createdAt(),
                base.updatedAt());
        SecretVersion latest = version(Map.of("token", "current"));

        Map<String, Object> data =
                VaultPayloads.rotation(latest, gated, KeyMaterial.of("new"), 2, NOW.plusSeconds(60), NOW);

        assertThat(data).containsEntry("previous_expires_at", "2026-11-22T10:11:00Z");
    }

    @Test
    void closingTheOverlapRemovesOnlyThePreviousFields() {
        SecretVersion latest = version(Map.of(
                "token",
                "current",
                "key_version",
                2,
                "rotated_at",
                "r",
                "previous_token",
                "old",
                "previous_expires_at",
                "then",
                "team",
                "payments"));

        assertThat(VaultPayloads.withoutPrevious(latest, key))
                .isEqualTo(Map.of("token", "current", "key_version", 2, "rotated_at", "r", "team", "payments"));
    }

    static ManagedKey key(String field) {
        return named("k", field);
    }

    static ManagedKey named(String name, String field) {
        return new ManagedKey(
                1,
                name,
                KvPath.of("secret", "api-keys/" + name),
                field,
                new GeneratorSpec(32, Encoding.BASE64URL, "", false),
                Duration.ofDays(30),
                Duration.ofHours(24),
                Duration.ZERO,
                io.keyrotator.rotation.Promotion.NONE,
                io.keyrotator.rotation.OnLeak.ROTATE,
                Map.of(),
                ManagedKey.KeyState.ACTIVE,
                1,
                NOW,
                NOW,
                null,
                null,
                null,
                0,
                false,
                NOW,
                NOW);
    }

    private static SecretVersion version(Map<String, Object> data) {
        return new SecretVersion(1, NOW, data, Map.of());
    }
}
