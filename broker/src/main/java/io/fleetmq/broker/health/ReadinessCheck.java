package io.fleetmq.broker.health;

import java.util.function.BooleanSupplier;

/**
 * One condition a node must meet before it should receive traffic; {@code /readyz} answers 200 only when every
 * registered check is ready, else 503 naming the failing ones. Checks are asked on every probe, from the HTTP
 * thread: {@link #ready()} must be cheap and must not block.
 */
public interface ReadinessCheck {

    /** Short, stable name shown in {@code /readyz} ({@code listeners}, {@code cluster}). */
    String name();

    boolean ready();

    /** A check from a name and a condition. */
    static ReadinessCheck of(String name, BooleanSupplier ready) {
        return new ReadinessCheck() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public boolean ready() {
                return ready.getAsBoolean();
            }
        };
    }
}
