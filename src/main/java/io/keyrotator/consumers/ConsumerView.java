package io.keyrotator.consumers;

import java.util.List;

/**
 * One consumer of a key: its live instances and the oldest version any of them holds (what gated
 * promotion will wait on).
 */
record ConsumerView(String consumer, int oldestVersionHeld, List<Instance> instances) {

    record Instance(String instance, int version, int current, java.time.Instant reportedAt) {}
}
