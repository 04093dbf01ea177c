package io.keyrotator.consumers;

import java.time.Instant;

/** What one instance of a consumer reported it holds, and when it last reported. */
record InstanceView(String consumer, String instance, int version, int current, Instant reportedAt) {}
