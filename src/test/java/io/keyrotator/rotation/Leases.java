package io.keyrotator.rotation;

import org.springframework.jdbc.core.simple.JdbcClient;

/** Test help for the intent protocol. */
final class Leases {

    private Leases() {}

    /** Every open intent's lease runs out: leases are in the database's time, a clock cannot move them. */
    static void runOut(JdbcClient jdbc) {
        jdbc.sql("UPDATE vault_write_intent SET lease_until = now() - interval '1 second' WHERE state = 'PENDING'")
                .update();
    }
}
