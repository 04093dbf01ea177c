package io.keyrotator.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keyrotator.support.MutableClock;
import io.keyrotator.vault.InMemorySecretStore;
import io.keyrotator.vault.KvPath;
import io.keyrotator.vault.SecretStore;
import io.keyrotator.vault.VaultProperties;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The dispatcher's signing secrets against the in-memory Vault port (held to the same contract as
 * OpenBao by {@code SecretStoreContractTests}): where they live, the overlap of a rotated secret, and
 * a cache that spares each delivery a Vault call.
 */
class WebhookSecretsTests {

    private final MutableClock clock = new MutableClock();
    private final InMemorySecretStore store = new InMemorySecretStore(clock);
    private final WebhookProperties properties = new WebhookProperties(
            List.of(),
            List.of(Duration.ofSeconds(5)),
            Duration.ofSeconds(10),
            Duration.ofHours(24),
            Duration.ofSeconds(5),
            8,
            "keyrotator/webhooks");
    private final WebhookSecrets secrets =
            new WebhookSecrets(store, new VaultProperties("secret", "api-keys", true, 64), properties, clock);
    private final UUID id = UUID.randomUUID();

    @Test
    void aSubscriptionsSecretAndCredentialLiveInVaultUnderTheSecretsPath() {
        secrets.create(id, "whsec_first", "Bearer credential");

        assertThat(store.read(path(), SecretStore.LATEST).orElseThrow().data())
                .containsExactlyInAnyOrderEntriesOf(
                        Map.of("secret", "whsec_first", "authorization", "Bearer credential"));
        assertThat(secrets.material(id, 1).signingSecrets()).containsExactly("whsec_first");
        assertThat(secrets.material(id, 1).authorization()).isEqualTo("Bearer credential");
    }

    @Test
    void aRotatedSecretSignsBesideTheNewOneUntilTheOverlapEnds() {
        secrets.create(id, "whsec_first", null);
        secrets.rotate(id, "whsec_second");

        assertThat(secrets.material(id, 2).signingSecrets()).containsExactly("whsec_second", "whsec_first");
        clock.advance(Duration.ofHours(24).plusSeconds(1));
        assertThat(secrets.material(id, 2).signingSecrets()).containsExactly("whsec_second");
    }

    @Test
    void aDeliveryOfTheSameGenerationIsServedFromTheCacheWithoutReadingVault() {
        secrets.create(id, "whsec_first", null);
        secrets.material(id, 1);
        store.deleteAll(path()); // Vault no longer has it: only the cache can answer

        assertThat(secrets.material(id, 1).signingSecrets()).containsExactly("whsec_first");
        assertThatThrownBy(() -> secrets.material(id, 2))
                .as("a new generation reads Vault again")
                .hasMessageContaining("missing in Vault");
    }

    @Test
    void removingTheCredentialKeepsTheSecretAndDeletingRemovesBoth() {
        secrets.create(id, "whsec_first", "Bearer credential");
        secrets.setAuthorization(id, null);

        assertThat(secrets.material(id, 2).authorization()).isNull();
        assertThat(secrets.material(id, 2).signingSecrets()).containsExactly("whsec_first");
        secrets.delete(id);
        assertThat(store.metadata(path())).isEmpty();
    }

    @Test
    void materialNeverPrintsTheSecrets() {
        secrets.create(id, "whsec_first", "Bearer credential");

        assertThat(secrets.material(id, 1).toString())
                .doesNotContain("whsec_first")
                .doesNotContain("credential");
    }

    private KvPath path() {
        return KvPath.of("secret", "keyrotator/webhooks/" + id);
    }
}
