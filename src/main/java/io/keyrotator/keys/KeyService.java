package io.keyrotator.keys;

import io.keyrotator.rotation.InvalidRequestException;
import io.keyrotator.rotation.InvalidRequestException.FieldError;
import io.keyrotator.rotation.KeyNotFoundException;
import io.keyrotator.rotation.ManagedKey;
import io.keyrotator.rotation.ManagedKey.KeyState;
import io.keyrotator.rotation.NewKey;
import io.keyrotator.rotation.protocol.KeyCatalog;
import io.keyrotator.rotation.protocol.Registration;
import io.keyrotator.vault.SecretStore;
import io.keyrotator.webhooks.Outbox;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

/** The key catalogue: registration, queries, settings changes and removal. */
@Service
class KeyService {

    private final KeyValidator validator;
    private final Registration registration;
    private final KeyCatalog keys;
    private final SecretStore store;
    private final Outbox outbox;
    private final TransactionTemplate transactions;
    private final Clock clock;

    KeyService(
            KeyValidator validator,
            Registration registration,
            KeyCatalog keys,
            SecretStore store,
            Outbox outbox,
            TransactionTemplate transactions,
            Clock clock) {
        this.validator = validator;
        this.registration = registration;
        this.keys = keys;
        this.store = store;
        this.outbox = outbox;
        this.transactions = transactions;
        this.clock = clock;
    }

    KeyView register(KeyRequest request, @Nullable String actor) {
        NewKey definition = validator.registration(request, false);
        registration.register(definition, actor, Boolean.TRUE.equals(request.adoptExisting()));
        return view(definition.name());
    }

    @Transactional(readOnly = true)
    public KeyView view(String name) {
        ManagedKey key = keys.find(name).orElseThrow(() -> KeyNotFoundException.named(name));
        return KeyView.of(key, keys.versionsOf(key));
    }

    @Transactional(readOnly = true)
    public KeyPage page(@Nullable KeyState state, @Nullable String label, int page, int size) {
        String labelKey = null;
        String labelValue = null;
        if (label != null) {
            int colon = label.indexOf(':');
            if (colon <= 0) {
                throw InvalidRequestException.of("label", "key:value, such as team:payments");
            }
            labelKey = label.substring(0, colon);
            labelValue = label.substring(colon + 1);
        }
        List<ManagedKey> found = keys.page(state, labelKey, labelValue, page * size, size);
        var live = keys.liveVersionsOf(found);
        List<KeyView> items = found.stream()
                .map(key -> KeyView.of(key, live.getOrDefault(key.id(), List.of())))
                .toList();
        return new KeyPage(items, page, size, keys.count(state, labelKey, labelValue));
    }

    @Transactional
    public KeyView patch(String name, KeyPatch patch) {
        long id = keys.find(name)
                .orElseThrow(() -> KeyNotFoundException.named(name))
                .id();
        // locked: a rotation or a conflict committing meanwhile is not overwritten
        ManagedKey key = keys.lock(id);
        List<FieldError> errors = new ArrayList<>();
        var base = KeyValidator.Settings.of(key);
        KeyRequest asRequest = new KeyRequest(
                null,
                null,
                null,
                null,
                patch.generator(),
                patch.rotationPeriod(),
                patch.overlap(),
                patch.publishAhead(),
                patch.promotion(),
                mergedLabels(key.labels(), patch.labels()),
                null,
                patch.onLeak());
        KeyValidator.Settings settings = validator.settings(errors, asRequest, base);
        KeyState state = state(errors, key, patch.state());
        KeyValidator.throwIfAny(errors);
        Instant now = clock.instant();
        applySettings(key, settings, key.declared());
        if (state != key.state()) {
            keys.changeState(key.id(), state, now);
        }
        return view(name);
    }

    /** Saves changed settings; a changed period reschedules the next rotation from the last one. */
    void applySettings(ManagedKey key, KeyValidator.Settings settings, boolean declared) {
        Instant rescheduled =
                key.lastRotatedAt() != null && !settings.rotationPeriod().equals(key.rotationPeriod())
                        ? key.lastRotatedAt().plus(settings.rotationPeriod()).minus(settings.publishAhead())
                        : null;
        keys.changeSettings(
                key.id(),
                new NewKey(
                        key.name(),
                        key.vaultPath(),
                        key.vaultField(),
                        settings.generator(),
                        settings.rotationPeriod(),
                        settings.overlap(),
                        settings.publishAhead(),
                        settings.promotion(),
                        settings.onLeak(),
                        settings.labels(),
                        declared,
                        key.lastVaultVersion()),
                rescheduled,
                clock.instant());
    }

    /** Stops managing the key; with {@code purge} its Vault secret and every version go too. */
    public void delete(String name, boolean purge) {
        ManagedKey key = keys.find(name).orElseThrow(() -> KeyNotFoundException.named(name));
        if (purge) {
            store.deleteAll(key.vaultPath());
        }
        transactions.executeWithoutResult(status -> {
            keys.remove(key.id());
            outbox.record(
                    "key.deleted",
                    name,
                    Map.of(
                            "key",
                            name,
                            "vaultMount",
                            key.vaultPath().mount(),
                            "vaultPath",
                            key.vaultPath().path(),
                            "purged",
                            purge));
        });
    }

    private static KeyState state(List<FieldError> errors, ManagedKey key, @Nullable String requested) {
        if (requested == null) {
            return key.state();
        }
        if (!requested.equals("ACTIVE") && !requested.equals("PAUSED")) {
            errors.add(new FieldError("state", "ACTIVE or PAUSED"));
            return key.state();
        }
        if (key.state() == KeyState.CONFLICT) {
            errors.add(new FieldError(
                    "state",
                    "a key in CONFLICT leaves it through POST …/adopt or a forced rotation" + " with overwrite"));
            return key.state();
        }
        return KeyState.valueOf(requested);
    }

    private static @Nullable Map<String, String> mergedLabels(
            Map<String, String> current, @Nullable Map<String, @Nullable String> patch) {
        if (patch == null) {
            return null;
        }
        Map<String, String> merged = new HashMap<>(current);
        patch.forEach((k, v) -> {
            if (v == null) {
                merged.remove(k);
            } else {
                merged.put(k, v);
            }
        });
        return merged;
    }
}
