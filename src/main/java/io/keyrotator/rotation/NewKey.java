package io.keyrotator.rotation;

import io.keyrotator.vault.KvPath;
import java.time.Duration;
import java.util.Map;

/** A validated key registration (or the settings of one), with every default applied. */
public record NewKey(
        String name,
        KvPath vaultPath,
        String vaultField,
        GeneratorSpec generator,
        Duration rotationPeriod,
        Duration overlap,
        Duration publishAhead,
        Promotion promotion,
        OnLeak onLeak,
        Map<String, String> labels,
        boolean declared,
        long lastVaultVersion) {

    public NewKey {
        labels = Map.copyOf(labels);
    }

    public NewKey withLastVaultVersion(long version) {
        return new NewKey(
                name,
                vaultPath,
                vaultField,
                generator,
                rotationPeriod,
                overlap,
                publishAhead,
                promotion,
                onLeak,
                labels,
                declared,
                version);
    }
}
