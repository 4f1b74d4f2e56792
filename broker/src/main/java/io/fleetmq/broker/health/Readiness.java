package io.fleetmq.broker.health;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The node's readiness checks. {@code FleetMqBroker} registers the built-in {@code listeners} check; the cluster
 * layer registers its own ("joined the cluster") through {@code FleetMqBroker.readiness().register(...)}.
 * Thread-safe.
 */
public final class Readiness {
    private final List<ReadinessCheck> checks = new CopyOnWriteArrayList<>();

    /** Adds a check; a second check with the same name is refused, so the names in {@code /readyz} stay unique. */
    public void register(ReadinessCheck check) {
        for (ReadinessCheck c : checks) {
            if (c.name().equals(check.name())) {
                throw new IllegalArgumentException("readiness check '" + check.name() + "' is already registered");
            }
        }
        checks.add(check);
    }

    /** Asks every check once; a check that throws counts as not ready. */
    public Report evaluate() {
        Map<String, Boolean> results = new LinkedHashMap<>();
        for (ReadinessCheck c : checks) {
            boolean ok;
            try {
                ok = c.ready();
            } catch (RuntimeException e) {
                ok = false;
            }
            results.put(c.name(), ok);
        }
        return new Report(results);
    }

    /** Each check's answer, in registration order. */
    public record Report(Map<String, Boolean> checks) {
        public boolean ready() {
            return !checks.containsValue(Boolean.FALSE);
        }

        public List<String> failing() {
            List<String> failing = new ArrayList<>();
            checks.forEach((name, ok) -> {
                if (!ok) {
                    failing.add(name);
                }
            });
            return failing;
        }
    }
}
