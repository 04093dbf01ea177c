package io.keyrotator.verifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HeldKeyTests {

    private static final Instant NOW = Instant.parse("2026-12-02T12:00:00Z");

    private final HeldKey key = new HeldKey(
            "payments", new VerifierProperties.KeySpec("secret", null, "api_key"), Clock.fixed(NOW, ZoneOffset.UTC));

    @Test
    void acceptsTheCurrentTheNextAndThePreviousKeyUntilItExpires() {
        key.offer(KeySnapshot.of(
                Map.of(
                        "api_key", "current",
                        "next_api_key", "next",
                        "next_key_version", 8,
                        "previous_api_key", "previous",
                        "previous_expires_at", "2026-12-02T12:00:01Z",
                        "key_version", 7),
                "api_key",
                12));

        assertThat(key.accepts("current")).isTrue();
        assertThat(key.accepts("next")).isTrue();
        assertThat(key.accepts("previous")).isTrue();
        assertThat(key.accepts("other")).isFalse();
        assertThat(key.accepts("")).isFalse();
        assertThat(key.accepts(null)).isFalse();
        assertThat(key.snapshot().heldVersion()).isEqualTo(8);
        assertThat(key.current()).isEqualTo("current");
    }

    @Test
    void aPreviousKeyPastItsExpiryOrWithoutOneIsRefused() {
        key.offer(KeySnapshot.of(
                Map.of(
                        "api_key",
                        "current",
                        "previous_api_key",
                        "previous",
                        "previous_expires_at",
                        "2026-12-02T12:00:00Z"),
                "api_key",
                3));
        assertThat(key.accepts("previous")).isFalse();

        key.offer(KeySnapshot.of(Map.of("api_key", "current", "previous_api_key", "previous"), "api_key", 4));
        assertThat(key.accepts("previous")).isFalse();
    }

    @Test
    void anOlderReadNeverReplacesANewerOne() {
        key.offer(KeySnapshot.of(Map.of("api_key", "new", "key_version", 2), "api_key", 5));

        assertThat(key.offer(KeySnapshot.of(Map.of("api_key", "old", "key_version", 1), "api_key", 4)))
                .isFalse();
        assertThat(key.current()).isEqualTo("new");
    }

    @Test
    void nothingIsAcceptedOrProvidedBeforeTheFirstRead() {
        assertThat(key.accepts("anything")).isFalse();
        assertThatThrownBy(key::current).hasMessageContaining("not read from Vault yet");
    }

    @Test
    void aSnapshotNeverPrintsItsKeys() {
        KeySnapshot snapshot = KeySnapshot.of(Map.of("api_key", "s3cr3t", "next_api_key", "n3xt"), "api_key", 1);

        assertThat(snapshot.toString()).doesNotContain("s3cr3t", "n3xt");
    }
}
