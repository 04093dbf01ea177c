package io.keyrotator.consumers;

import io.keyrotator.rotation.ConsumerHoldings;
import java.time.Clock;
import java.util.Collection;
import java.util.List;
import org.springframework.stereotype.Component;

/** The acknowledgements gated promotion waits on: instances heard from within the expiry. */
@Component
class LiveHoldings implements ConsumerHoldings {

    private final ConsumerRecords records;
    private final ConsumerProperties properties;
    private final Clock clock;

    LiveHoldings(ConsumerRecords records, ConsumerProperties properties, Clock clock) {
        this.records = records;
        this.properties = properties;
        this.clock = clock;
    }

    @Override
    public List<Holding> live(long keyId, Collection<String> consumers) {
        return records.live(keyId, clock.instant().minus(properties.expireAfter())).stream()
                .filter(instance -> consumers.contains(instance.consumer()))
                .map(instance ->
                        new Holding(instance.consumer(), instance.instance(), instance.version(), instance.current()))
                .toList();
    }
}
