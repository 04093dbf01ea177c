package io.keyrotator.vault;

import java.time.Instant;

/** What Vault answered to a successful write: the version it created and when. */
public record WrittenVersion(long version, Instant createdTime) {}
