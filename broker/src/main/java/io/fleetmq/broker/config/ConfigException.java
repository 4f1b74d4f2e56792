package io.fleetmq.broker.config;

/**
 * The configuration cannot be used. The message is one line, starting with {@code config error:}, naming the key
 * (or file and line) and why, so the CLI can print it as is.
 */
public final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ConfigException(String detail) {
        super("config error: " + detail);
    }

    public ConfigException(String detail, Throwable cause) {
        super("config error: " + detail, cause);
    }
}
