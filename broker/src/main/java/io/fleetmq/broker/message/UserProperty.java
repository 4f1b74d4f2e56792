package io.fleetmq.broker.message;

/** A v5 user property: a UTF-8 name/value pair, order preserved, duplicates allowed [MQTT-3.3.2-18]. */
public record UserProperty(String name, String value) {
}
