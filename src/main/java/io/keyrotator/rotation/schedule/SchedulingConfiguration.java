package io.keyrotator.rotation.schedule;

import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import javax.sql.DataSource;
import net.javacrumbs.shedlock.core.LockConfiguration;
import net.javacrumbs.shedlock.core.LockProvider;
import net.javacrumbs.shedlock.core.SimpleLock;
import net.javacrumbs.shedlock.provider.jdbctemplate.JdbcTemplateLockProvider;
import net.javacrumbs.shedlock.spring.annotation.EnableSchedulerLock;
import net.javacrumbs.shedlock.support.KeepAliveLockProvider;
import org.springframework.boot.task.ThreadPoolTaskSchedulerBuilder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

/**
 * Scheduled jobs run on one replica at a time: ShedLock's JDBC provider, with PostgreSQL's clock
 * rather than each replica's so clock skew between pods cannot hand out a lock twice.
 *
 * <p>Locks are short ({@link #LOCK_AT_MOST_FOR}) and kept alive while their job runs: a replica
 * killed while it holds one (SIGKILL, OOM, a lost node) releases nothing, and with a long
 * {@code lockAtMostFor} every other replica, and the killed one restarted, would skip scheduling
 * and recovery until it ran out. The reliability suite's crash scenario found exactly that with
 * the former 15 minutes.
 */
@Configuration(proxyBeanMethods = false)
@EnableScheduling
@EnableSchedulerLock(defaultLockAtMostFor = SchedulingConfiguration.LOCK_AT_MOST_FOR)
public class SchedulingConfiguration {

    /** ShedLock's keep-alive needs at least 30 seconds; it extends the lock at half of it. */
    public static final String LOCK_AT_MOST_FOR = "PT30S";

    /**
     * Every job on a thread of its own. With virtual threads on, Spring Boot's scheduler runs every
     * fixed-delay job on its single scheduler thread, so one long pass held all the others back: in
     * the benchmark, a recovery pass syncing 99,000 keys whose metadata writes failed stopped the
     * scheduler tick and the gauge refresh for longer than the 20 s watched. The pool keeps Spring
     * Boot's {@code spring.task.scheduling.*} settings (graceful shutdown included).
     */
    @Bean
    ThreadPoolTaskScheduler taskScheduler(ThreadPoolTaskSchedulerBuilder builder) {
        return builder.poolSize(JOB_THREADS).build();
    }

    /** More than the scheduled jobs there are (scheduler, recovery, gauges, catalogue, retention). */
    static final int JOB_THREADS = 8;

    @Bean
    KeptAliveLocks lockProvider(DataSource dataSource) {
        return new KeptAliveLocks(dataSource);
    }

    /**
     * Not a {@link ScheduledExecutorService} bean: Spring would take one for every {@code @Scheduled}
     * job and Spring Boot would back off its own task scheduler.
     */
    static final class KeptAliveLocks implements LockProvider, AutoCloseable {

        private final ScheduledExecutorService keepAlive = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("shedlock-keep-alive").daemon().factory());
        private final LockProvider locks;

        KeptAliveLocks(DataSource dataSource) {
            this.locks = new KeepAliveLockProvider(
                    new JdbcTemplateLockProvider(JdbcTemplateLockProvider.Configuration.builder()
                            .withJdbcTemplate(new JdbcTemplate(dataSource))
                            .usingDbTime()
                            .build()),
                    keepAlive);
        }

        @Override
        public Optional<SimpleLock> lock(LockConfiguration configuration) {
            return locks.lock(configuration);
        }

        @Override
        public void close() {
            keepAlive.shutdownNow();
        }
    }
}
