package io.keyrotator.rotation.protocol;

import io.keyrotator.rotation.KeyVersion;
import io.keyrotator.rotation.ManagedKey;
import io.keyrotator.rotation.ManagedKey.KeyState;
import io.keyrotator.rotation.NewKey;
import io.keyrotator.rotation.store.KeyRecords;
import io.keyrotator.rotation.store.VersionRecords;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;

/**
 * What other features may read and change of the managed keys and their versions: lookups, pages,
 * settings, state and removal. Rotation's records stay its own; a change of their tables is a change
 * here, not in every caller.
 */
@Service
public class KeyCatalog {

    private final KeyRecords keys;
    private final VersionRecords versions;

    KeyCatalog(KeyRecords keys, VersionRecords versions) {
        this.keys = keys;
        this.versions = versions;
    }

    public Optional<ManagedKey> find(String name) {
        return keys.findByName(name);
    }

    /** Every version of a key, newest first. */
    public List<KeyVersion> versionsOf(ManagedKey key) {
        return versions.ofKey(key.id());
    }

    /** Versions of any key with this fingerprint, each with its key: an index lookup, never a scan. */
    public List<Located> withFingerprint(String fingerprint) {
        return versions.withFingerprint(fingerprint).stream()
                .flatMap(v -> keys.findById(v.keyId()).map(k -> new Located(k, v)).stream())
                .toList();
    }

    public record Located(ManagedKey key, KeyVersion version) {}

    public Optional<KeyVersion> versionById(long id) {
        return versions.findById(id);
    }

    /**
     * KV versions of the key below {@code destroyBelow} hold keys no longer valid; those below
     * {@code destroyedBelow} are destroyed.
     */
    public Destruction destruction(long keyId) {
        long[] marks = keys.destroyWatermarks(keyId);
        return new Destruction(marks[0], marks[1]);
    }

    public record Destruction(long destroyBelow, long destroyedBelow) {}

    public Optional<KeyVersion> version(ManagedKey key, int version) {
        return versions.find(key.id(), version);
    }

    /** The CURRENT, PREVIOUS and NEXT versions of each key, newest first, in one query. */
    public Map<Long, List<KeyVersion>> liveVersionsOf(List<ManagedKey> page) {
        return versions.liveOf(page.stream().map(ManagedKey::id).toList());
    }

    public List<ManagedKey> page(
            @Nullable KeyState state, @Nullable String labelKey, @Nullable String labelValue, int offset, int limit) {
        return keys.page(state, labelKey, labelValue, offset, limit);
    }

    public long count(@Nullable KeyState state, @Nullable String labelKey, @Nullable String labelValue) {
        return keys.count(state, labelKey, labelValue);
    }

    /** Names of the keys a selector matches (labels, names and a Vault path prefix, all of them). */
    public List<String> namesMatching(
            Map<String, String> labels, List<String> names, @Nullable String vaultPathPrefix, int limit) {
        return keys.namesMatching(labels, names, vaultPathPrefix, limit);
    }

    /** Keys that came from the declarative catalogue. */
    public List<ManagedKey> declared() {
        return keys.declared();
    }

    /**
     * The key, locked until the caller's transaction ends, so a rotation or a conflict committing
     * meanwhile is not overwritten.
     */
    public ManagedKey lock(long id) {
        return keys.lock(id);
    }

    /** Settings a PATCH or the catalogue changes; a non-null {@code nextRotationAt} reschedules. */
    public void changeSettings(long id, NewKey settings, @Nullable Instant nextRotationAt, Instant now) {
        keys.updateSettings(id, settings, nextRotationAt, now);
    }

    public void changeState(long id, KeyState state, Instant now) {
        keys.setState(id, state, now);
    }

    /** Removes the key and what is recorded about it (the foreign keys cascade). */
    public void remove(long id) {
        keys.delete(id);
    }
}
