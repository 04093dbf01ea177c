package io.keyrotator.webhooks;

import java.net.URI;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** The {@code webhook_subscription} table. */
@Repository
class SubscriptionRecords {

    private static final String COLUMNS = "id, url, events::text AS events, key_patterns::text AS key_patterns, format,"
            + " deliver_to,"
            + " enabled, has_authorization, secret_generation, disabled_reason, created_at, updated_at";
    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {};

    private final JdbcClient jdbc;
    private final JsonMapper json;

    SubscriptionRecords(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    void insert(Subscription s) {
        jdbc.sql("""
                        INSERT INTO webhook_subscription (id, url, events, key_patterns, format, deliver_to,
                            enabled, has_authorization, created_at, updated_at)
                        VALUES (?, ?, CAST(? AS jsonb), CAST(? AS jsonb), ?, ?, ?, ?, ?, ?)""")
                .params(
                        s.id(),
                        s.url().toString(),
                        json.writeValueAsString(s.events()),
                        json.writeValueAsString(s.keyPatterns()),
                        s.format(),
                        s.deliverTo(),
                        s.enabled(),
                        s.hasAuthorization(),
                        s.createdAt().atOffset(ZoneOffset.UTC),
                        s.updatedAt().atOffset(ZoneOffset.UTC))
                .update();
    }

    void update(Subscription s, boolean newSecrets) {
        jdbc.sql("""
                        UPDATE webhook_subscription SET url = ?, events = CAST(? AS jsonb),
                            key_patterns = CAST(? AS jsonb), format = ?, deliver_to = ?, enabled = ?,
                            has_authorization = ?,
                            disabled_reason = ?, secret_generation = secret_generation + ?, updated_at = ?
                        WHERE id = ?""")
                .params(
                        s.url().toString(),
                        json.writeValueAsString(s.events()),
                        json.writeValueAsString(s.keyPatterns()),
                        s.format(),
                        s.deliverTo(),
                        s.enabled(),
                        s.hasAuthorization(),
                        s.disabledReason(),
                        newSecrets ? 1 : 0,
                        s.updatedAt().atOffset(ZoneOffset.UTC),
                        s.id())
                .update();
    }

    void disable(UUID id, String reason, Instant now) {
        jdbc.sql("UPDATE webhook_subscription SET enabled = FALSE, disabled_reason = ?, updated_at = ? WHERE id = ?")
                .params(reason, now.atOffset(ZoneOffset.UTC), id)
                .update();
    }

    boolean delete(UUID id) {
        return jdbc.sql("DELETE FROM webhook_subscription WHERE id = ?")
                        .param(id)
                        .update()
                == 1;
    }

    Optional<Subscription> find(UUID id) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM webhook_subscription WHERE id = ?")
                .param(id)
                .query(this::map)
                .optional();
    }

    Map<UUID, Subscription> byIds(Set<UUID> ids) {
        if (ids.isEmpty()) {
            return Map.of();
        }
        return jdbc
                .sql("SELECT " + COLUMNS + " FROM webhook_subscription WHERE id = ANY(?)")
                .param(ids.toArray(UUID[]::new))
                .query(this::map)
                .stream()
                .collect(Collectors.toMap(Subscription::id, s -> s));
    }

    List<Subscription> all() {
        return jdbc.sql("SELECT " + COLUMNS + " FROM webhook_subscription ORDER BY created_at")
                .query(this::map)
                .list();
    }

    List<Subscription> enabled() {
        return jdbc.sql("SELECT " + COLUMNS + " FROM webhook_subscription WHERE enabled")
                .query(this::map)
                .list();
    }

    private Subscription map(ResultSet rs, int row) throws SQLException {
        return new Subscription(
                rs.getObject("id", UUID.class),
                URI.create(rs.getString("url")),
                json.readValue(rs.getString("events"), STRINGS),
                json.readValue(rs.getString("key_patterns"), STRINGS),
                rs.getString("format"),
                rs.getString("deliver_to"),
                rs.getBoolean("enabled"),
                rs.getBoolean("has_authorization"),
                rs.getInt("secret_generation"),
                rs.getString("disabled_reason"),
                rs.getTimestamp("created_at").toInstant(),
                rs.getTimestamp("updated_at").toInstant());
    }
}
