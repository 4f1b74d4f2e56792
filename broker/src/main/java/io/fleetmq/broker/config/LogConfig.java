package io.fleetmq.broker.config;

/**
 * Log output ({@code log.*}). Logging starts before the configuration is read, so the CLI applies {@code format}
 * right after loading it (see {@code io.fleetmq.broker.cli.LogFormat}); only start-up lines come before.
 *
 * @param format {@code text} (one human-readable line per event) or {@code json} (one JSON object per line, for
 *               CloudWatch / Fluent Bit)
 */
public record LogConfig(String format) {
    public static final String TEXT = "text";
    public static final String JSON = "json";

    public static LogConfig defaults() {
        return new LogConfig(TEXT);
    }

    public boolean json() {
        return JSON.equals(format);
    }
}
