package io.keyrotator.verifier;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.OptionalInt;

/**
 * {@code keyrotator_verifier_key_version{key}} (the {@code key_version} held),
 * {@code keyrotator_verifier_key_held_version{key}} (the newest version accepted, what is
 * acknowledged) and {@code keyrotator_verifier_refreshes_total{key,outcome}}.
 */
final class MicrometerVerifierMetrics implements VerifierMetrics {

    private final MeterRegistry registry;

    MicrometerVerifierMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void register(HeldKey key) {
        Gauge.builder("keyrotator.verifier.key.version", key, k -> value(k.version()))
                .tag("key", key.name())
                .description("keyrotator's key_version of the key this instance holds")
                .register(registry);
        Gauge.builder("keyrotator.verifier.key.held.version", key, k -> value(k.heldVersion()))
                .tag("key", key.name())
                .description("The newest version this instance accepts, as it acknowledges it")
                .register(registry);
    }

    @Override
    public void refreshed(HeldKey key, String outcome) {
        Counter.builder("keyrotator.verifier.refreshes")
                .tag("key", key.name())
                .tag("outcome", outcome)
                .description("Reads of the key from Vault by outcome: changed, unchanged, failure")
                .register(registry)
                .increment();
    }

    private static double value(OptionalInt version) {
        return version.isPresent() ? version.getAsInt() : Double.NaN;
    }
}
