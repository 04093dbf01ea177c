package io.keyrotator.webhooks;

import java.time.Duration;
import net.javacrumbs.shedlock.spring.annotation.SchedulerLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Deletes webhook events older than {@code keyrotator.retention.webhook-events} whose deliveries
 * are all settled (delivered or dead), with their deliveries, a thousand events per statement, on
 * one replica at a time. An event still waiting for a delivery is kept, however old.
 */
@Component
class EventRetention {

    private static final Logger log = LoggerFactory.getLogger(EventRetention.class);
    static final int BATCH = 1000;
    private static final int MOST_BATCHES_PER_RUN = 1000;

    private final JdbcClient jdbc;
    private final Duration retention;

    EventRetention(JdbcClient jdbc, @Value("${keyrotator.retention.webhook-events:P30D}") Duration retention) {
        this.jdbc = jdbc;
        this.retention = retention;
    }

    // ShedLock's keep-alive provider needs at least 30 s, as for the rotation package's jobs
    @Scheduled(fixedDelayString = "PT1H", initialDelayString = "PT3M")
    @SchedulerLock(name = "keyrotator-webhook-retention", lockAtMostFor = "PT30S")
    public void purge() {
        long deleted = purgeOnce();
        if (deleted > 0) {
            log.info("Purged {} settled webhook events older than {}", deleted, retention);
        }
    }

    /** Returns how many events it deleted (their deliveries go with them). */
    long purgeOnce() {
        long deleted = 0;
        for (int batch = 0; batch < MOST_BATCHES_PER_RUN; batch++) {
            int rows = jdbc.sql("""
                            DELETE FROM webhook_event WHERE id IN (
                                SELECT e.id FROM webhook_event e
                                WHERE e.fanned_out AND e.created_at < now() - make_interval(secs => ?)
                                    AND NOT EXISTS (SELECT 1 FROM webhook_delivery d
                                        WHERE d.event_id = e.id AND d.status IN ('PENDING', 'FAILED'))
                                LIMIT ?)""").params(retention.toSeconds(), BATCH).update();
            deleted += rows;
            if (rows < BATCH) {
                break;
            }
        }
        return deleted;
    }
}
