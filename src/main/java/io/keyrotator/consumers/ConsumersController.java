package io.keyrotator.consumers;

import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/v1/keys/{name}/consumers")
class ConsumersController {

    private final ConsumerService consumers;

    ConsumersController(ConsumerService consumers) {
        this.consumers = consumers;
    }

    /** An instance reports the key version it holds (scope {@code keys:ack}); repeating it is harmless. */
    @PutMapping("/{consumer}/instances/{instance}")
    InstanceView acknowledge(
            @PathVariable String name,
            @PathVariable String consumer,
            @PathVariable String instance,
            @RequestBody(required = false) @Nullable AckRequest body) {
        return consumers.acknowledge(name, consumer, instance, body == null ? new AckRequest(null, null) : body);
    }

    @GetMapping
    Map<String, List<ConsumerView>> list(@PathVariable String name) {
        return Map.of("items", consumers.consumers(name));
    }
}
