package io.keyrotator.keys;

import java.util.List;

/** One page of {@code GET /api/v1/keys}, ordered by name. */
record KeyPage(List<KeyView> items, int page, int size, long totalItems) {}
