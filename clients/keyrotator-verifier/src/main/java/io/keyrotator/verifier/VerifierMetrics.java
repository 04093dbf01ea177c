package io.keyrotator.verifier;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.jspecify.annotations.Nullable;

/**
 * {@code keyrotator_verifier_key_version{key}} (the {@code key_version} held),
 * {@code keyrotator_verifier_key_held_version{key}} (the newest version accepted, what is
 * acknowledged) and {@code keyrotator_verifier_refreshes_total{key,outcome}}; nothing without a
 * {@link MeterRegistry}.
 */
class VerifierMetrics {

    private final @Nullable MeterRegistry registry;

    VerifierMetrics(@Nullable MeterRegistry registry) {
        this.registry = registry;
    }

    void register(HeldKey key) {
        if (registry == null) {
            return;
        }
        Gauge.builder("keyrotator.verifier.key.version", key, k -> version(k, false))
                .tag("key", key.name())
                .description("keyrotator's key_version of the key this instance holds")
                .register(registry);
        Gauge.builder("keyrotator.verifier.key.held.version", key, k -> version(k, true))
                .tag("key", key.name())
                .description("The newest version this instance accepts, as it acknowledges it")
                .register(registry);
    }

    void refreshed(HeldKey key, String outcome) {
        if (registry == null) {
            return;
        }
        Counter.builder("keyrotator.verifier.refreshes")
                .tag("key", key.name())
                .tag("outcome", outcome)
                .description("Reads of the key from Vault by outcome: changed, unchanged, failure")
                .register(registry)
                .increment();
    }

    private static double version(HeldKey key, boolean held) {
        KeySnapshot snapshot = key.snapshot();
        if (snapshot == null) {
            return Double.NaN;
        }
        return held ? snapshot.heldVersion() : snapshot.version();
    }
}
