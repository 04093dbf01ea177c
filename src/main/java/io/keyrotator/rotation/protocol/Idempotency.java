package io.keyrotator.rotation.protocol;

import io.keyrotator.rotation.KeyVersion;
import io.keyrotator.rotation.RotationProperties;
import io.keyrotator.rotation.store.VersionRecords;
import java.time.Duration;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * {@code Idempotency-Key} records of forced rotations, scoped to the caller and the key name. A
 * record is written in the rotation's first transaction, under the key's row lock, and bound to the
 * version that rotation creates, so it exists exactly when the rotation does: a repeat, whenever it
 * arrives, finds the version and rotates nothing. It waits while that version is being written, and
 * tries again when the rotation failed (then nothing was rotated). Times are the database's.
 */
@Component
public class Idempotency {

    private final JdbcClient jdbc;
    private final VersionRecords versions;
    private final Duration retention;
    private final Duration abandonedAfter;

    Idempotency(
            JdbcClient jdbc,
            VersionRecords versions,
            @Value("${keyrotator.retention.idempotency:PT24H}") Duration retention,
            RotationProperties properties) {
        this.jdbc = jdbc;
        this.versions = versions;
        this.retention = retention;
        this.abandonedAfter = properties.limits().intentLease();
    }

    /** A forced rotation's Idempotency-Key: who sent it, the key, and a hash of the request. */
    public record Key(String caller, String value, String requestHash) {

        /**
         * A key for a request keyrotator makes itself (a leak's or a job's rotation): {@code
         * requestHash} is the SHA-256 hex of {@code request}, as the column holds 64 characters and
         * pads a shorter text, which would then never match again.
         */
        public static Key internal(String caller, String value, String request) {
            try {
                byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
                        .digest(request.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                return new Key(caller, value, java.util.HexFormat.of().formatHex(digest));
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException("SHA-256 is missing from this JDK", e);
            }
        }
    }

    /** What an earlier request with the same key decided; empty when there is none to honour. */
    Optional<Begin> earlier(String keyName, Key key) {
        var found = jdbc.sql("SELECT request_hash, version_id, status IS NULL AND created_at > now()"
                        + " - make_interval(secs => ?) FROM idempotency_record WHERE caller = ? AND key_name = ?"
                        + " AND idempotency_key = ? AND created_at > now() - make_interval(secs => ?)")
                .params(abandonedAfter.toSeconds(), key.caller(), keyName, key.value(), retention.toSeconds())
                .query((rs, row) -> new Earlier(rs.getString(1), (Long) rs.getObject(2), rs.getBoolean(3)))
                .optional();
        if (found.isEmpty()) {
            return Optional.empty();
        }
        if (!found.get().hash().equals(key.requestHash())) {
            return Optional.of(new Begin.Mismatch());
        }
        if (found.get().versionId() == null) {
            // a claim of the previous release (rolling upgrade): wait while it may still be running
            return found.get().inFlightBefore() ? Optional.of(new Begin.Busy()) : Optional.empty();
        }
        Optional<KeyVersion> version =
                Optional.ofNullable(found.get().versionId()).flatMap(versions::findById);
        return switch (version.map(KeyVersion::state).orElse(KeyVersion.State.FAILED)) {
            case PENDING -> Optional.of(new Begin.Busy());
            case FAILED -> Optional.empty();
            default -> Optional.of(new Begin.Repeat(version.get()));
        };
    }

    /** Binds the key to the version this request creates, in the same transaction. */
    void bind(String keyName, Key key, long versionId) {
        jdbc.sql("INSERT INTO idempotency_record (caller, key_name, idempotency_key, request_hash, version_id,"
                        + " created_at) VALUES (?, ?, ?, ?, ?, now()) ON CONFLICT (caller, key_name, idempotency_key)"
                        + " DO UPDATE SET request_hash = excluded.request_hash, version_id = excluded.version_id,"
                        + " created_at = excluded.created_at")
                .params(key.caller(), keyName, key.value(), key.requestHash(), versionId)
                .update();
    }

    /** Deletes records older than {@code keyrotator.retention.idempotency}; the schedule runs it. */
    public void expire() {
        // in batches, like the other retention jobs: a backlog never becomes one long transaction
        while (jdbc.sql("""
                                DELETE FROM idempotency_record WHERE ctid IN (
                                    SELECT ctid FROM idempotency_record
                                    WHERE created_at < now() - make_interval(secs => ?) LIMIT 1000)""").param(retention.toSeconds()).update() == 1000) {
            // the next batch
        }
    }

    private record Earlier(String hash, @Nullable Long versionId, boolean inFlightBefore) {}
}
