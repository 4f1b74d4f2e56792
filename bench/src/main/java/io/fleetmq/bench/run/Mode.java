package io.fleetmq.bench.run;

import java.util.Locale;

/** What each client does once connected. */
public enum Mode {
    /** Connect and hold the connection. */
    CONN,
    /** Subscribe to the topic and count what arrives. */
    SUB,
    /** Publish to the topic. */
    PUB;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
