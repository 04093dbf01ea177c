package io.keyrotator.rotation;

/**
 * The key's KV versions below {@code destroyedBelow} are destroyed, published once the destruction
 * is recorded (outside any transaction), so a leak record can say when its value was destroyed.
 */
public record VersionsDestroyed(long keyId, long destroyedBelow) {}
