package io.keyrotator.support;

import java.time.Duration;
import org.awaitility.Awaitility;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The Vault side effects of a write (destruction, custom_metadata) happen after the response, on
 * the service's sync worker: tests that look at them wait until no key has any pending.
 */
public final class PendingVaultSync {

    private PendingVaultSync() {}

    public static void awaitNone(JdbcClient jdbc) {
        Awaitility.await("the Vault side effects of every confirmed write")
                .atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> jdbc.sql("SELECT count(*) FROM managed_key"
                                        + " WHERE NOT metadata_synced OR destroy_below > destroyed_below")
                                .query(Long.class)
                                .single()
                        == 0);
    }
}
