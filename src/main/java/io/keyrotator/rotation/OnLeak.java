package io.keyrotator.rotation;

/**
 * What a reported leak of one of a key's live values does: {@code ROTATE} (the default) rotates at
 * once with no overlap, so the leaked value stops working; {@code NOTIFY} records the leak and
 * alerts, for a key a person must rotate.
 */
public enum OnLeak {
    ROTATE,
    NOTIFY
}
