package io.keyrotator.bench;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;

/**
 * The naive rotator users start from: one {@code create_or_update} of the secret per rotation, no
 * check-and-set, no database, nothing that survives a crash or notices a concurrent writer.
 */
final class SeedLoop implements Load.Operation {

    private final FloorVault vault;
    private final String mount;
    private final String path;
    private final SecureRandom random = new SecureRandom();

    SeedLoop(FloorVault vault, String mount, String path) {
        this.vault = vault;
        this.mount = mount;
        this.path = path;
    }

    @Override
    public void run() throws Exception {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        vault.overwrite(
                mount,
                path,
                Map.of("api_key", Base64.getUrlEncoder().withoutPadding().encodeToString(bytes)));
    }
}
