package io.keyrotator.bench;

import static io.keyrotator.bench.FloorSql.*;
import static io.keyrotator.bench.Jdbc.at;

import java.sql.Connection;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The floor's share of keyrotator's webhook dispatcher: woken after each commit that wrote events,
 * coalescing wake-ups as keyrotator's does, one pass sends the same transactions (fan out and claim
 * in one, the backlog when keyrotator reads it) on a connection of its own. With no subscriptions it delivers
 * nothing, like keyrotator in the rotation scenarios.
 */
final class FloorDispatcher implements AutoCloseable {

    private final Jdbc db;
    private final Connection connection;
    private final Semaphore wakeUp = new Semaphore(0);
    private final Thread loop;
    private volatile boolean running = true;
    private Instant backlogReadAt;

    FloorDispatcher(Connection connection) {
        this.connection = connection;
        this.db = new Jdbc(connection);
        this.loop = Thread.ofPlatform().name("floor-dispatcher").start(this::loop);
    }

    void wake() {
        wakeUp.release();
    }

    @Override
    public void close() throws Exception {
        running = false;
        wakeUp.release();
        loop.join();
        connection.close();
    }

    private void loop() {
        while (running) {
            try {
                wakeUp.tryAcquire(5, TimeUnit.SECONDS);
                wakeUp.drainPermits();
                if (running) {
                    pass();
                }
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                rollbackQuietly();
            }
        }
    }

    private void pass() throws Exception {
        db.begin(false);
        List<Map<String, Object>> events = db.query(UNFANNED, 100);
        if (!events.isEmpty()) {
            db.query(ENABLED_SUBSCRIPTIONS);
            db.update(
                    MARK_FANNED,
                    events.stream()
                            .map(event -> String.valueOf(event.get("id")))
                            .collect(java.util.stream.Collectors.joining(",", "{", "}")));
        }
        Instant now = Instant.now();
        List<Map<String, Object>> claimed = db.query(CLAIM_DELIVERIES, at(now), 100, at(now.plusSeconds(40)));
        db.commit();
        // keyrotator reads the backlog after a pass that sent something, else once per poll interval
        if (!claimed.isEmpty() || backlogReadAt == null || now.isAfter(backlogReadAt.plusSeconds(5))) {
            db.begin(true);
            db.query(BACKLOG);
            db.commit();
            backlogReadAt = now;
        }
    }

    private void rollbackQuietly() {
        try {
            db.rollback();
        } catch (Exception ignored) {
            // the next pass starts a fresh transaction
        }
    }
}
