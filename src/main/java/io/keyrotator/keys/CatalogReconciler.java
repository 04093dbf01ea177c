package io.keyrotator.keys;

import io.keyrotator.rotation.InvalidRequestException;
import io.keyrotator.rotation.KeyExistsException;
import io.keyrotator.rotation.ManagedKey;
import io.keyrotator.rotation.NewKey;
import io.keyrotator.rotation.VaultPathOccupiedException;
import io.keyrotator.rotation.VaultPathTakenException;
import io.keyrotator.rotation.protocol.KeyCatalog;
import io.keyrotator.rotation.protocol.Registration;
import io.keyrotator.vault.SecretStoreException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Makes the key catalogue match {@code keyrotator.keys[]}: declared keys are registered when
 * missing and their configured settings win over changes made through the API (settings the
 * configuration leaves out keep their value). Replicas starting together race safely: whoever
 * loses the registration finds the key and reconciles its settings. An invalid entry stops the
 * start-up; a Vault outage does not, and the reconciliation is retried.
 */
@Component
class CatalogReconciler {

    private static final Logger log = LoggerFactory.getLogger(CatalogReconciler.class);

    private final CatalogProperties catalog;
    private final KeyValidator validator;
    private final Registration registration;
    private final KeyCatalog keys;
    private final KeyService keyService;
    private volatile boolean incomplete;

    CatalogReconciler(
            CatalogProperties catalog,
            KeyValidator validator,
            Registration registration,
            KeyCatalog keys,
            KeyService keyService) {
        this.catalog = catalog;
        this.validator = validator;
        this.registration = registration;
        this.keys = keys;
        this.keyService = keyService;
    }

    @EventListener(ApplicationReadyEvent.class)
    void atStartup() {
        List<Declared> declared = validated();
        incomplete = !reconcile(declared);
    }

    @Scheduled(fixedDelayString = "PT1M", initialDelayString = "PT1M")
    void retryAfterFailure() {
        if (incomplete) {
            incomplete = !reconcile(validated());
        }
    }

    /** Returns false when some key could not be registered now (Vault unavailable). */
    boolean reconcile(List<Declared> declared) {
        boolean complete = true;
        for (Declared key : declared) {
            complete &= reconcile(key);
        }
        if (catalog.catalog().prune()) {
            Set<String> names = declared.stream().map(d -> d.key().name()).collect(Collectors.toSet());
            keys.declared().stream().filter(key -> !names.contains(key.name())).forEach(key -> {
                log.info("Key {} left the catalogue: no longer managed (its Vault secret stays)", key.name());
                keys.remove(key.id());
            });
        }
        return complete;
    }

    List<Declared> validated() {
        List<Declared> declared = new ArrayList<>();
        for (int i = 0; i < catalog.keys().size(); i++) {
            try {
                KeyRequest request = catalog.keys().get(i);
                declared.add(new Declared(request, validator.registration(request, true)));
            } catch (InvalidRequestException e) {
                throw new IllegalStateException("keyrotator.keys[" + i + "] is invalid: " + e.errors(), e);
            }
        }
        return declared;
    }

    private boolean reconcile(Declared entry) {
        NewKey declared = entry.key();
        Optional<ManagedKey> existing = keys.find(declared.name());
        if (existing.isEmpty()) {
            try {
                registration.register(declared, "catalog", false);
                log.info("Registered key {} from the catalogue", declared.name());
                return true;
            } catch (KeyExistsException | VaultPathTakenException | VaultPathOccupiedException e) {
                existing = keys.find(declared.name());
                if (existing.isEmpty()) {
                    log.error("Catalogue key {} cannot be registered: {}", declared.name(), e.getMessage());
                    return true;
                }
            } catch (SecretStoreException e) {
                log.warn("Catalogue key {} not registered yet, Vault unavailable: {}", declared.name(), e.getMessage());
                return false;
            }
        }
        updateSettings(existing.get(), entry.request());
        return true;
    }

    private void updateSettings(ManagedKey key, KeyRequest configured) {
        var base = KeyValidator.Settings.of(key);
        var settings = validator.settings(new ArrayList<>(), configured, base);
        if (settings.equals(base) && key.declared()) {
            return;
        }
        keyService.applySettings(key, settings, true);
        log.info("Key {} settings reconciled with the catalogue", key.name());
    }

    /** A catalogue entry as configured, and validated with defaults applied. */
    record Declared(KeyRequest request, NewKey key) {}
}
