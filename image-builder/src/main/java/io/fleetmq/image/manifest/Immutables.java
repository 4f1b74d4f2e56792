package io.fleetmq.image.manifest;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Deep, unmodifiable copies of YAML-shaped values (maps, lists, scalars; nulls allowed, which {@code Map.copyOf}
 * refuses). Role variables may hold lists and mappings, and spec objects must not change under their holders.
 */
public final class Immutables {

    private Immutables() {
    }

    public static Object deepCopy(Object value) {
        if (value instanceof Map<?, ?> m) {
            Map<Object, Object> out = new LinkedHashMap<>();
            m.forEach((k, v) -> out.put(k, deepCopy(v)));
            return Collections.unmodifiableMap(out);
        }
        if (value instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            l.forEach(v -> out.add(deepCopy(v)));
            return Collections.unmodifiableList(out);
        }
        return value;
    }
}
