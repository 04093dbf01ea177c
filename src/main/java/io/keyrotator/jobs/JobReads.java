package io.keyrotator.jobs;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.json.JsonMapper;

/**
 * Jobs as the API shows them. A page costs three statements whatever its length: the jobs, their
 * keys counted by state, and the first {@link RotationJob#LISTED} open and failed keys of each.
 */
@Repository
class JobReads {

    private final JdbcClient jdbc;
    private final JsonMapper json;

    JobReads(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    Optional<RotationJob> find(UUID id) {
        return jobs(jdbc.sql("SELECT * FROM rotation_job WHERE id = ?").param(id)).stream()
                .findFirst();
    }

    List<RotationJob> page(int offset, int limit) {
        return jobs(jdbc.sql("SELECT * FROM rotation_job ORDER BY created_at DESC, id LIMIT ? OFFSET ?")
                .params(limit, offset));
    }

    private record Row(
            UUID id,
            String state,
            String selector,
            @Nullable String reason,
            @Nullable Long overlapSeconds,
            String actor,
            int total,
            Instant createdAt,
            @Nullable Instant finishedAt) {}

    private record Listed(List<String> open, List<RotationJob.KeyFailure> failures) {}

    private List<RotationJob> jobs(JdbcClient.StatementSpec select) {
        List<Row> rows = select.query(JobReads::row).list();
        if (rows.isEmpty()) {
            return List.of();
        }
        UUID[] ids = rows.stream().map(Row::id).toArray(UUID[]::new);
        Map<UUID, Map<String, Integer>> counts = new HashMap<>();
        jdbc.sql("SELECT job_id, state, count(*) FROM rotation_job_key WHERE job_id = ANY(?) GROUP BY job_id, state")
                .param(ids)
                .query((rs, n) -> counts.computeIfAbsent(rs.getObject(1, UUID.class), id -> new HashMap<>())
                        .put(rs.getString(2), rs.getInt(3)))
                .list();
        Map<UUID, Listed> listed = new HashMap<>();
        jdbc.sql("""
                        SELECT job_id, key_name, state, failure, attempts FROM (
                            SELECT job_id, key_name, state, failure, attempts,
                                row_number() OVER (PARTITION BY job_id, state ORDER BY key_name) AS n
                            FROM rotation_job_key WHERE job_id = ANY(?) AND state IN ('OPEN', 'FAILED')) k
                        WHERE n <= ? ORDER BY job_id, state, key_name""")
                .params(ids, RotationJob.LISTED)
                .query((rs, n) -> {
                    Listed of = listed.computeIfAbsent(
                            rs.getObject(1, UUID.class),
                            id -> new Listed(new java.util.ArrayList<>(), new java.util.ArrayList<>()));
                    if (rs.getString(3).equals("OPEN")) {
                        of.open().add(rs.getString(2));
                    } else {
                        of.failures().add(new RotationJob.KeyFailure(rs.getString(2), rs.getString(4), rs.getInt(5)));
                    }
                    return of;
                })
                .list();
        return rows.stream()
                .map(row -> job(row, counts.getOrDefault(row.id(), Map.of()), listed.get(row.id())))
                .toList();
    }

    private RotationJob job(Row row, Map<String, Integer> counts, @Nullable Listed listed) {
        return new RotationJob(
                row.id(),
                RotationJob.State.valueOf(row.state()),
                json.readValue(row.selector(), JobRequest.Selector.class),
                row.reason(),
                row.overlapSeconds() == null
                        ? null
                        : Duration.ofSeconds(row.overlapSeconds()).toString(),
                row.actor(),
                row.total(),
                counts.getOrDefault("DONE", 0),
                counts.getOrDefault("FAILED", 0),
                counts.getOrDefault("OPEN", 0),
                counts.getOrDefault("CANCELLED", 0),
                listed == null ? List.of() : List.copyOf(listed.open()),
                listed == null ? List.of() : List.copyOf(listed.failures()),
                row.createdAt(),
                row.finishedAt());
    }

    private static Row row(ResultSet rs, int n) throws SQLException {
        Object overlap = rs.getObject("overlap_seconds");
        Timestamp finished = rs.getTimestamp("finished_at");
        return new Row(
                rs.getObject("id", UUID.class),
                rs.getString("state"),
                rs.getString("selector"),
                rs.getString("reason"),
                overlap == null ? null : rs.getLong("overlap_seconds"),
                rs.getString("actor"),
                rs.getInt("total"),
                rs.getTimestamp("created_at").toInstant(),
                finished == null ? null : finished.toInstant());
    }
}
