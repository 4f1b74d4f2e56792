package io.fleetmq.broker.config;

/** The plain-TCP MQTT listener ({@code listeners.tcp.*}). Port 0 asks the OS for a free port (used by tests). */
public record TcpListenerConfig(boolean enabled, String bind, int port) {
    public static TcpListenerConfig defaults() {
        return new TcpListenerConfig(true, "127.0.0.1", 1883);
    }
}
