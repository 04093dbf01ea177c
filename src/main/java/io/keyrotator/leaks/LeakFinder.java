package io.keyrotator.leaks;

import io.keyrotator.rotation.KeyVersion;
import io.keyrotator.rotation.KeyVersion.State;
import io.keyrotator.rotation.ManagedKey;
import io.keyrotator.rotation.protocol.KeyCatalog;
import io.keyrotator.vault.SecretStore;
import io.keyrotator.vault.SecretVersion;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.springframework.stereotype.Component;

/**
 * Finds a reported value among the keys: the fingerprint through an index (no scan), then, for a
 * version that may still be valid, the secret's newest KV version, compared field by field in
 * constant time. Vault is the ground truth of what is valid; a fingerprint alone (64 bits, and
 * public) is never enough to rotate a key, so a guessed hash with a known fingerprint reads as
 * unknown. A version that is retired or failed needs no Vault read: it is invalid however it is
 * compared.
 */
@Component
class LeakFinder implements LiveKeys {

    private static final Set<State> MAYBE_LIVE = EnumSet.of(State.PENDING, State.NEXT, State.CURRENT, State.PREVIOUS);

    private final KeyCatalog catalog;
    private final SecretStore store;

    LeakFinder(KeyCatalog catalog, SecretStore store) {
        this.catalog = catalog;
        this.store = store;
    }

    @Override
    public Optional<Match> live(String candidate) {
        return find(Reported.value(candidate)) instanceof Finding.Live live
                ? Optional.of(new Match(
                        live.key().name(),
                        live.version().version(),
                        live.version().state()))
                : Optional.empty();
    }

    Finding find(Reported reported) {
        Finding found = new Finding.Unknown();
        for (KeyCatalog.Located located : catalog.withFingerprint(reported.fingerprint())) {
            Finding finding = classify(reported, located.key(), located.version());
            if (finding instanceof Finding.Live) {
                return finding;
            }
            if (finding instanceof Finding.Invalid) {
                found = finding;
            }
        }
        return found;
    }

    private Finding classify(Reported reported, ManagedKey key, KeyVersion version) {
        if (!MAYBE_LIVE.contains(version.state())) {
            return new Finding.Invalid(key, version, invalidSince(version));
        }
        Optional<SecretVersion> latest = store.read(key.vaultPath(), SecretStore.LATEST);
        boolean inVault = false;
        for (String field : new String[] {
            key.fields().current(), key.fields().previous(), key.fields().next()
        }) {
            String value = latest.map(v -> v.string(field)).orElse(null);
            // every field is compared, so the time does not tell which one matched
            inVault |= value != null && reported.is(value);
        }
        if (inVault) {
            return new Finding.Live(key, version);
        }
        // the string itself hashes to this fingerprint: a value of ours, just not in Vault any more
        return reported.byValue() ? new Finding.Invalid(key, version, invalidSince(version)) : new Finding.Unknown();
    }

    private static java.time.Instant invalidSince(KeyVersion version) {
        return Objects.requireNonNullElse(
                version.retiredAt(), Objects.requireNonNullElse(version.validUntil(), version.createdAt()));
    }
}
