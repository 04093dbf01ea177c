package io.keyrotator.rotation;

import static io.keyrotator.rotation.KeyRecords.timestamp;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import net.javacrumbs.shedlock.spring.annotation.SchedulerLock;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * {@code Idempotency-Key} records for forced rotations, scoped to the caller and the key name. A
 * record is claimed before the rotation starts and completed with the response, success or
 * failure; a claim older than the intent lease with no response was abandoned by a crash and may
 * be taken over.
 */
@Component
public class Idempotency {

    /** The request attribute under which a fresh claim travels to the exception handler. */
    public static final String CLAIM_ATTRIBUTE = Idempotency.class.getName() + ".claim";

    private final JdbcClient jdbc;
    private final Clock clock;
    private final Duration retention;
    private final Duration abandonedAfter;

    Idempotency(
            JdbcClient jdbc,
            Clock clock,
            @Value("${keyrotator.retention.idempotency:PT24H}") Duration retention,
            RotationProperties properties) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.retention = retention;
        this.abandonedAfter = properties.limits().intentLease();
    }

    public sealed interface Claim {}

    public record Fresh(String caller, String keyName, String key) implements Claim {}

    public record Replay(int status, @Nullable String location, String body) implements Claim {}

    public record InProgress() implements Claim {}

    public record Mismatch() implements Claim {}

    @Transactional
    public Claim claim(String caller, String keyName, String key, String requestHash) {
        Instant now = clock.instant();
        jdbc.sql("DELETE FROM idempotency_record WHERE caller = ? AND key_name = ? AND idempotency_key = ?"
                        + " AND created_at < ?")
                .params(caller, keyName, key, timestamp(now.minus(retention)))
                .update();
        int inserted = jdbc.sql("INSERT INTO idempotency_record (caller, key_name, idempotency_key, request_hash,"
                        + " created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")
                .params(caller, keyName, key, requestHash, timestamp(now))
                .update();
        if (inserted == 1) {
            return new Fresh(caller, keyName, key);
        }
        var record = jdbc.sql("SELECT request_hash, status, location, body, created_at FROM idempotency_record"
                        + " WHERE caller = ? AND key_name = ? AND idempotency_key = ? FOR UPDATE")
                .params(caller, keyName, key)
                .query((rs, row) -> new Stored(
                        rs.getString(1),
                        (Integer) rs.getObject(2),
                        rs.getString(3),
                        rs.getString(4),
                        rs.getTimestamp(5).toInstant()))
                .single();
        if (!record.hash().equals(requestHash)) {
            return new Mismatch();
        }
        if (record.status() != null) {
            return new Replay(record.status(), record.location(), Objects.requireNonNullElse(record.body(), ""));
        }
        if (record.createdAt().isBefore(now.minus(abandonedAfter))) {
            jdbc.sql("UPDATE idempotency_record SET created_at = ? WHERE caller = ? AND key_name = ?"
                            + " AND idempotency_key = ?")
                    .params(timestamp(now), caller, keyName, key)
                    .update();
            return new Fresh(caller, keyName, key);
        }
        return new InProgress();
    }

    /** Stores the response a replay will return. The body never holds key material. */
    @Transactional
    public void complete(Fresh claim, int status, @Nullable String location, String body) {
        jdbc.sql("UPDATE idempotency_record SET status = ?, location = ?, body = ? WHERE caller = ? AND key_name = ?"
                        + " AND idempotency_key = ? AND status IS NULL")
                .params(status, location, body, claim.caller(), claim.keyName(), claim.key())
                .update();
    }

    @Scheduled(fixedDelayString = "PT1H", initialDelayString = "PT1M")
    @SchedulerLock(name = "keyrotator-idempotency-retention", lockAtMostFor = SchedulingConfiguration.LOCK_AT_MOST_FOR)
    public void expire() {
        jdbc.sql("DELETE FROM idempotency_record WHERE created_at < ?")
                .param(timestamp(clock.instant().minus(retention)))
                .update();
    }

    private record Stored(
            String hash,
            @Nullable Integer status,
            @Nullable String location,
            @Nullable String body,
            Instant createdAt) {}
}
