package io.keyrotator.bench;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;

/**
 * PostgreSQL's count of committed transactions in the benchmark's database. Backends report their
 * counts when idle, within 10 s, so each count waits {@code flush} after the action; then an idle
 * window as long (scheduler ticks, recovery passes) is counted and subtracted.
 */
final class Commits {

    interface Action {
        void run() throws Exception;
    }

    private final BenchStack stack;
    private final Duration flush;

    Commits(BenchStack stack, Duration flush) {
        this.stack = stack;
        this.flush = flush;
    }

    /** Commits the action caused, beyond what the idle services commit in as long a time. */
    long during(Action action) throws Exception {
        long before = count();
        long started = System.nanoTime();
        action.run();
        Thread.sleep(flush);
        long busy = count() - before;
        Duration length = Duration.ofNanos(System.nanoTime() - started);
        long idleBefore = count();
        Thread.sleep(length);
        return busy - (count() - idleBefore);
    }

    private long count() throws Exception {
        try (Connection connection = stack.connect();
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(
                        "SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()")) {
            rows.next();
            return rows.getLong(1);
        }
    }
}
