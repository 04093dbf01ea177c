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
 * change no webhook announced. Reports the versions held to keyrotator at once when they change,
 * and again every {@code ack.interval}, so the instance stays live.
 */
final class KeyRefresher implements SmartInitializingSingleton, DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(KeyRefresher.class);

    private final Map<String, HeldKey> keys;
    private final KeyReader reader;
    private final @Nullable Acknowledger acknowledger;
    private final VerifierMetrics metrics;
    private final Duration pollInterval;
    private final Duration ackInterval;
    private final Map<String, List<Integer>> reported = new ConcurrentHashMap<>();
    private final ScheduledExecutorService poller = Executors.newScheduledThreadPool(
            2, Thread.ofPlatform().daemon().name("keyrotator-verifier-", 0).factory());

    KeyRefresher(
            List<HeldKey> keys,
            KeyReader reader,
            @Nullable Acknowledger acknowledger,
            VerifierMetrics metrics,
            Duration pollInterval,
            Duration ackInterval) {
        this.keys = new java.util.LinkedHashMap<>();
        keys.forEach(key -> this.keys.put(key.name(), key));
        this.reader = reader;
        this.acknowledger = acknowledger;
        this.metrics = metrics;
        this.pollInterval = pollInterval;
        this.ackInterval = ackInterval;
    }

    @Override
    public void afterSingletonsInstantiated() {
        keys.values().forEach(key -> refresh(key.name()));
        poller.scheduleWithFixedDelay(
                this::poll, pollInterval.toMillis(), pollInterval.toMillis(), TimeUnit.MILLISECONDS);
        poller.scheduleWithFixedDelay(
                this::heartbeat, ackInterval.toMillis(), ackInterval.toMillis(), TimeUnit.MILLISECONDS);
    }

    boolean holds(String name) {
        return keys.containsKey(name);
    }

    /** Reads the key again now; returns whether Vault could be read. */
    boolean refresh(String name) {
        HeldKey key = keys.get(name);
        if (key == null) {
            return true;
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
        return true;
    }

    private void poll() {
        for (HeldKey key : keys.values()) {
            try {
                KeySnapshot held = key.snapshot();
                OptionalLong current = reader.currentVersion(key);
                if (held == null || (current.isPresent() && current.getAsLong() != held.vaultVersion())) {
                    refresh(key.name());
                }
            } catch (RuntimeException e) {
                log.warn("Could not poll key {}: {}", key.name(), e.getMessage());
            }
        }
    }

    private void heartbeat() {
        keys.values().forEach(key -> acknowledge(key, true));
    }

    /** Synchronized: the webhook and the poller may both report, and an older report must not win. */
    private synchronized void acknowledge(HeldKey key, boolean heartbeat) {
        KeySnapshot held = key.snapshot();
        if (acknowledger == null || held == null) {
            return;
        }
        List<Integer> versions = List.of(held.heldVersion(), held.version());
        if ((heartbeat || !versions.equals(reported.get(key.name())))
                && acknowledger.report(key.name(), versions.get(0), versions.get(1))) {
            reported.put(key.name(), versions);
        }
    }

    @Override
    public void destroy() {
        poller.shutdownNow();
    }
}
