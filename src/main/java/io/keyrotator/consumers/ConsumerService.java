package io.keyrotator.consumers;

import io.keyrotator.rotation.InvalidRequestException;
import io.keyrotator.rotation.KeyNotFoundException;
import io.keyrotator.rotation.ManagedKey;
import io.keyrotator.rotation.Promotion;
import io.keyrotator.rotation.protocol.KeyCatalog;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Acknowledgements of the key version each consumer instance holds (docs/contract.md#consumers). */
@Service
class ConsumerService {

    private static final Pattern INSTANCE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}");

    private final KeyCatalog keys;
    private final ConsumerRecords records;
    private final ConsumerProperties properties;
    private final Clock clock;

    ConsumerService(KeyCatalog keys, ConsumerRecords records, ConsumerProperties properties, Clock clock) {
        this.keys = keys;
        this.records = records;
        this.properties = properties;
        this.clock = clock;
    }

    @Transactional
    public InstanceView acknowledge(String name, String consumer, String instance, AckRequest request) {
        List<InvalidRequestException.FieldError> errors = new ArrayList<>();
        if (!Promotion.CONSUMER_NAME.matcher(consumer).matches()) {
            errors.add(new InvalidRequestException.FieldError("consumer", "1-64 of a-z 0-9 . _ -"));
        }
        if (!INSTANCE.matcher(instance).matches()) {
            errors.add(new InvalidRequestException.FieldError("instance", "1-128 of A-Z a-z 0-9 . _ : -"));
        }
        ManagedKey key = keys.find(name).orElseThrow(() -> KeyNotFoundException.named(name));
        Integer version = request.version();
        if (version == null) {
            errors.add(new InvalidRequestException.FieldError("version", "required"));
        } else if (version < 1 || keys.version(key, version).isEmpty()) {
            errors.add(new InvalidRequestException.FieldError("version", "not a version of key " + name));
        }
        Integer current = request.current();
        if (current != null
                && (version == null
                        || current < 1
                        || current > version
                        || keys.version(key, current).isEmpty())) {
            errors.add(new InvalidRequestException.FieldError(
                    "current", "a version of key " + name + ", at most version"));
        }
        if (!errors.isEmpty()) {
            throw InvalidRequestException.of(errors);
        }
        Instant now = clock.instant();
        int presented = current == null ? version : current;
        records.report(key.id(), consumer, instance, version, presented, now);
        records.forgetSilent(key.id(), now.minus(properties.expireAfter()));
        return new InstanceView(consumer, instance, version, presented, now);
    }

    @Transactional(readOnly = true)
    public List<ConsumerView> consumers(String name) {
        ManagedKey key = keys.find(name).orElseThrow(() -> KeyNotFoundException.named(name));
        Map<String, List<ConsumerView.Instance>> byConsumer = new LinkedHashMap<>();
        for (InstanceView live : records.live(key.id(), clock.instant().minus(properties.expireAfter()))) {
            byConsumer
                    .computeIfAbsent(live.consumer(), c -> new ArrayList<>())
                    .add(new ConsumerView.Instance(live.instance(), live.version(), live.current(), live.reportedAt()));
        }
        return byConsumer.entrySet().stream()
                .map(e -> new ConsumerView(
                        e.getKey(),
                        e.getValue().stream()
                                .mapToInt(ConsumerView.Instance::version)
                                .min()
                                .orElseThrow(),
                        List.copyOf(e.getValue())))
                .toList();
    }
}
