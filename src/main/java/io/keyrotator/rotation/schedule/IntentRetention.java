package io.keyrotator.rotation.schedule;

import java.time.Duration;
import net.javacrumbs.shedlock.spring.annotation.SchedulerLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Deletes write intents that finished longer than {@code keyrotator.retention.intents} ago (open
 * ones are never touched), a thousand rows per statement so no transaction holds many locks or runs
 * long, on one replica at a time.
 */
@Component
public class IntentRetention {

    private static final Logger log = LoggerFactory.getLogger(IntentRetention.class);
    static final int BATCH = 1000;
    private static final int MOST_BATCHES_PER_RUN = 1000;

    private final JdbcClient jdbc;
    private final Duration retention;

    IntentRetention(JdbcClient jdbc, @Value("${keyrotator.retention.intents:P30D}") Duration retention) {
        this.jdbc = jdbc;
        this.retention = retention;
    }

    @Scheduled(fixedDelayString = "PT1H", initialDelayString = "PT2M")
    @SchedulerLock(name = "keyrotator-intent-retention", lockAtMostFor = SchedulingConfiguration.LOCK_AT_MOST_FOR)
    public void purge() {
        long deleted = purgeOnce();
        if (deleted > 0) {
            log.info("Purged {} finished write intents older than {}", deleted, retention);
        }
    }

    /** Returns how many intents it deleted. */
    public long purgeOnce() {
        long deleted = 0;
        for (int batch = 0; batch < MOST_BATCHES_PER_RUN; batch++) {
            int rows = jdbc.sql("""
                            DELETE FROM vault_write_intent WHERE id IN (
                                SELECT id FROM vault_write_intent
                                WHERE state <> 'PENDING' AND finished_at < now() - make_interval(secs => ?)
                                LIMIT ?)""").params(retention.toSeconds(), BATCH).update();
            deleted += rows;
            if (rows < BATCH) {
                break;
            }
        }
        return deleted;
    }
}
