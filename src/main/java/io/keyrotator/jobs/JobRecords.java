package io.keyrotator.jobs;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.json.JsonMapper;

/** {@code rotation_job} and {@code rotation_job_key}; each method is one statement. */
@Repository
class JobRecords {

    private final JdbcClient jdbc;
    private final JsonMapper json;

    JobRecords(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    void insert(UUID id, Created job, List<String> keys, Instant now) {
        jdbc.sql("""
                        INSERT INTO rotation_job (id, state, selector, reason, overlap_seconds, actor, total, created_at)
                        VALUES (?, 'RUNNING', CAST(? AS jsonb), ?, ?, ?, ?, ?)""")
                .params(
                        id,
                        json.writeValueAsString(job.selector()),
                        job.reason(),
                        job.overlap() == null ? null : job.overlap().toSeconds(),
                        job.actor(),
                        keys.size(),
                        at(now))
                .update();
        jdbc.sql("""
                        INSERT INTO rotation_job_key (job_id, key_name, state, attempt_after)
                        SELECT ?, name, 'OPEN', ? FROM jsonb_array_elements_text(CAST(? AS jsonb)) AS name""").params(id, at(now), json.writeValueAsString(keys)).update();
    }

    record Created(
            JobRequest.Selector selector,
            @Nullable String reason,
            @Nullable Duration overlap,
            String actor) {}

    /** One key of a running job, leased to the worker that took it. */
    record Claimed(
            UUID jobId,
            String keyName,
            int attempts,
            String actor,
            @Nullable String reason,
            @Nullable Duration overlap) {}

    /** Open keys of running jobs that are due, leased to this worker until {@code now + lease}. */
    List<Claimed> claim(int limit, Duration lease, Instant now) {
        return jdbc.sql("""
                        UPDATE rotation_job_key k SET attempt_after = ? FROM rotation_job j
                        WHERE j.id = k.job_id AND (k.job_id, k.key_name) IN (
                            SELECT c.job_id, c.key_name FROM rotation_job_key c JOIN rotation_job r ON r.id = c.job_id
                            WHERE c.state = 'OPEN' AND r.state = 'RUNNING' AND c.attempt_after <= ?
                            ORDER BY c.attempt_after LIMIT ? FOR UPDATE OF c SKIP LOCKED)
                        RETURNING k.job_id, k.key_name, k.attempts, j.actor, j.reason, j.overlap_seconds""")
                .params(at(now.plus(lease)), at(now), limit)
                .query((rs, row) -> new Claimed(
                        rs.getObject(1, UUID.class),
                        rs.getString(2),
                        rs.getInt(3),
                        rs.getString(4),
                        rs.getString(5),
                        rs.getObject(6) == null ? null : Duration.ofSeconds(rs.getLong(6))))
                .list();
    }

    /** The key rotated; recorded even if the job was cancelled meanwhile, since it did rotate. */
    void done(Claimed key, int version, Instant now) {
        jdbc.sql("""
                        UPDATE rotation_job_key SET state = 'DONE', version = ?, failure = NULL, finished_at = ?
                        WHERE job_id = ? AND key_name = ? AND state IN ('OPEN', 'CANCELLED')""").params(version, at(now), key.jobId(), key.keyName()).update();
    }

    /** A failure: tried again at {@code retryAt}, or given up on when it is null. */
    void failed(Claimed key, String reason, boolean counted, @Nullable Instant retryAt, Instant now) {
        jdbc.sql("""
                        UPDATE rotation_job_key SET failure = ?, attempts = attempts + ?,
                            state = CASE WHEN CAST(? AS timestamptz) IS NULL THEN 'FAILED' ELSE state END,
                            attempt_after = COALESCE(CAST(? AS timestamptz), attempt_after),
                            finished_at = CASE WHEN CAST(? AS timestamptz) IS NULL THEN ? END
                        WHERE job_id = ? AND key_name = ? AND state = 'OPEN'""")
                .params(
                        reason,
                        counted ? 1 : 0,
                        at(retryAt),
                        at(retryAt),
                        at(retryAt),
                        at(now),
                        key.jobId(),
                        key.keyName())
                .update();
    }

    /** Marks a running job DONE once none of its keys is open. */
    void finishIfComplete(UUID jobId, Instant now) {
        jdbc.sql("""
                        UPDATE rotation_job SET state = 'DONE', finished_at = ? WHERE id = ? AND state = 'RUNNING'
                        AND NOT EXISTS (SELECT 1 FROM rotation_job_key WHERE job_id = ? AND state = 'OPEN')""").params(at(now), jobId, jobId).update();
    }

    /** Cancels a running job and its open keys; false when the job was not running. */
    boolean cancel(UUID jobId, Instant now) {
        int cancelled = jdbc.sql(
                        "UPDATE rotation_job SET state = 'CANCELLED', finished_at = ? WHERE id = ? AND state = 'RUNNING'")
                .params(at(now), jobId)
                .update();
        jdbc.sql("UPDATE rotation_job_key SET state = 'CANCELLED', finished_at = ? WHERE job_id = ? AND state = 'OPEN'")
                .params(at(now), jobId)
                .update();
        return cancelled == 1;
    }

    long open() {
        return jdbc.sql("SELECT count(*) FROM rotation_job_key WHERE state = 'OPEN'")
                .query(Long.class)
                .single();
    }

    private static @Nullable OffsetDateTime at(@Nullable Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }
}
