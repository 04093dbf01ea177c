package io.keyrotator.webhooks;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import tools.jackson.databind.json.JsonMapper;

/**
 * The transactional outbox (docs/architecture.md#invariant-5-no-lost-notification): an event is
 * written in the transaction of the state change it reports, so it exists exactly when the change
 * does. The dispatcher is woken after the commit; its poll is only the fallback. The body is fixed
 * here, so every retry sends (and signs) the same bytes under the same {@code webhook-id}.
 */
@Component
public class Outbox {

    private final JdbcClient jdbc;
    private final JsonMapper json;
    private final Clock clock;
    private final Dispatcher dispatcher;

    Outbox(JdbcClient jdbc, JsonMapper json, Clock clock, Dispatcher dispatcher) {
        this.jdbc = jdbc;
        this.json = json;
        this.clock = clock;
        this.dispatcher = dispatcher;
    }

    /** Records an event; {@code data} must never hold key material. */
    @Transactional(propagation = Propagation.MANDATORY)
    public UUID record(String type, @Nullable String keyName, Map<String, ?> data) {
        UUID id = UUID.randomUUID();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", type);
        body.put(
                "timestamp",
                clock.instant()
                        .truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                        .toString());
        body.put("data", data);
        jdbc.sql("INSERT INTO webhook_event (id, type, key_name, payload, created_at) VALUES (?, ?, ?, ?, ?)")
                .params(
                        id,
                        type,
                        keyName,
                        json.writeValueAsString(body),
                        clock.instant().atOffset(java.time.ZoneOffset.UTC))
                .update();
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCommit() {
                dispatcher.wake();
            }
        });
        return id;
    }
}
