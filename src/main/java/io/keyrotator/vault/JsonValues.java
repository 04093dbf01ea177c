package io.keyrotator.vault;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Deep, unmodifiable copies of the JSON-shaped maps Vault stores as a version's data. */
final class JsonValues {

    private JsonValues() {}

    static Map<String, Object> copyOf(Map<String, ?> data) {
        Map<String, Object> copy = new LinkedHashMap<>();
        data.forEach((field, value) -> copy.put(field, copyValue(value)));
        return Collections.unmodifiableMap(copy);
    }

    @SuppressWarnings("unchecked")
    private static Object copyValue(Object value) {
        if (value instanceof Map<?, ?> map) {
            return copyOf((Map<String, ?>) map);
        }
        if (value instanceof List<?> list) {
            List<Object> copy = new ArrayList<>(list.size());
            list.forEach(element -> copy.add(copyValue(element)));
            return Collections.unmodifiableList(copy);
        }
        return value;
    }
}
