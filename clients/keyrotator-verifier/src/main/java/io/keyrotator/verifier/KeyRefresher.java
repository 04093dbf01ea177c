package io.keyrotator.verifier;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.SmartInitializingSingleton;

/**
 * Keeps every held key up to date: reads each at start-up, again when a webhook announces a change
 * ({@link #refresh}), and polls KV metadata {@code current_version} every poll interval for a
 * change no webhook announced. After each, reports the version held to keyrotator, at once when it
 * changed and at every poll otherwise, so the instance stays live.
 */
final class KeyRefresher implements SmartInitializingSingleton, DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(KeyRefresher.class);

    private final Map<String, HeldKey> keys;
    private final KeyReader reader;
    private final @Nullable Acknowledger acknowledger;
    private final VerifierMetrics metrics;
    private final Duration pollInterval;
    private final Map<String, Integer> reported = new ConcurrentHashMap<>();
    private final ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("keyrotator-verifier-poll").factory());

    KeyRefresher(
            List<HeldKey> keys,
            KeyReader reader,
            @Nullable Acknowledger acknowledger,
            VerifierMetrics metrics,
            Duration pollInterval) {
        this.keys = new java.util.LinkedHashMap<>();
        keys.forEach(key -> this.keys.put(key.name(), key));
        this.reader = reader;
        this.acknowledger = acknowledger;
        this.metrics = metrics;
        this.pollInterval = pollInterval;
    }

    @Override
    public void afterSingletonsInstantiated() {
        keys.values().forEach(key -> refresh(key.name()));
        poller.scheduleWithFixedDelay(
                this::poll, pollInterval.toMillis(), pollInterval.toMillis(), TimeUnit.MILLISECONDS);
    }

    boolean holds(String name) {
        return keys.containsKey(name);
    }

    /** Reads the key again now; returns whether what is held changed. */
    boolean refresh(String name) {
        HeldKey key = keys.get(name);
        if (key == null) {
            return false;
        }
        boolean changed;
        try {
            changed = key.offer(reader.read(key));
        } catch (RuntimeException e) {
            metrics.refreshed(key, "failure");
            log.warn("Could not read key {} from Vault: {}", name, e.getMessage());
            return false;
        }
        metrics.refreshed(key, changed ? "changed" : "unchanged");
        acknowledge(key, false);
        return changed;
    }

    private void poll() {
        for (HeldKey key : keys.values()) {
            try {
                KeySnapshot held = key.snapshot();
                OptionalLong current = reader.currentVersion(key);
                if (held == null || (current.isPresent() && current.getAsLong() != held.vaultVersion())) {
                    refresh(key.name());
                }
                acknowledge(key, true);
            } catch (RuntimeException e) {
                log.warn("Could not poll key {}: {}", key.name(), e.getMessage());
            }
        }
    }

    private void acknowledge(HeldKey key, boolean heartbeat) {
        KeySnapshot held = key.snapshot();
        if (acknowledger == null || held == null) {
            return;
        }
        int version = held.heldVersion();
        Integer last = reported.get(key.name());
        if ((heartbeat || last == null || last != version) && acknowledger.report(key.name(), version)) {
            reported.put(key.name(), version);
        }
    }

    @Override
    public void destroy() {
        poller.shutdownNow();
    }
}
