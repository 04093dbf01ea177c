package io.keyrotator.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyrotator.support.Api;
import io.keyrotator.support.OwnServices;
import io.keyrotator.support.ServiceProcess;
import io.keyrotator.support.TestServices;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Scenario 5: receivers down for longer than the first retries, then back. Every event reaches the
 * subscription that stayed; none reaches the one deleted meanwhile.
 */
@OwnServices
class ReceiverOutageReliabilityIntegrationTests {

    @Test
    void eventsWaitOutAReceiverOutageAndNoneGoesToADeletedSubscription() throws Exception {
        try (Stack stack = Stack.inMemory("receivers");
                Receiver deletedReceiver = new Receiver()) {
            ServiceProcess service = stack.service("receivers", Map.of()).start();
            Api api = service.api(TestServices.TOKEN);
            List<String> keys =
                    stack.registerKeys(api, "outage", 20, Map.of("rotationPeriod", "P1D", "overlap", "PT1H"));
            stack.subscribe(api, "standard");
            Api.Response doomed = api.post("/api/v1/webhooks", Map.of("url", deletedReceiver.url()));
            String doomedId = (String) doomed.json().get("id");

            stack.receiver.down();
            deletedReceiver.down();
            for (int round = 0; round < 3; round++) {
                for (String key : keys) {
                    assertThat(api.post("/api/v1/keys/" + key + "/rotations", Map.of("reason", "outage"))
                                    .status())
                            .isEqualTo(201);
                }
            }
            // past the first three retries (1 s, 2 s, 4 s) of the deliveries made while both were down
            // every event the rotations wrote (key.rotated, and key.previous_expired for the overlaps
            // they cut short) goes to both subscriptions
            long made = 2
                    * stack.db
                            .sql("SELECT count(*) FROM webhook_event")
                            .query(Long.class)
                            .single();
            long retried = Awaitility.await("three attempts at the receivers that are down, for every delivery")
                    .atMost(Duration.ofSeconds(45))
                    .until(
                            () -> stack.db
                                    .sql("SELECT count(*) FROM webhook_delivery WHERE attempts >= 3")
                                    .query(Long.class)
                                    .single(),
                            count -> count >= made);
            assertThat(stack.db
                            .sql("SELECT count(*) FROM webhook_delivery")
                            .query(Long.class)
                            .single())
                    .isEqualTo(made);
            assertThat(api.delete("/api/v1/webhooks/" + doomedId).status()).isEqualTo(204);
            stack.receiver.up();
            deletedReceiver.up();
            Settle.drain(stack.db, Duration.ofSeconds(90));
            Thread.sleep(2_000);

            Invariants invariants = stack.invariants().events(Set.of("key.rotated"));
            Report.print(
                    "receiver-outage",
                    Report.figures(
                            "events",
                                    stack.db
                                            .sql("SELECT count(*) FROM webhook_event")
                                            .query(Long.class)
                                            .single(),
                            "deliveriesWhileDown", made,
                            "deliveriesRetriedThreeTimes", retried,
                            "delivered", stack.receiver.deliveries().size(),
                            "deliveredToDeleted", deletedReceiver.deliveries().size(),
                            "invariantChecks", invariants.checks(),
                            "violations", invariants.violations().size()));
            assertThat(retried).isEqualTo(made);
            assertThat(deletedReceiver.deliveries()).isEmpty();
            assertThat(invariants.violations()).isEmpty();
        }
    }
}
