package io.fleetmq.broker.config;

/** Authentication ({@code auth.*}). The security issue adds password files, JWT and certificates here. */
public record AuthConfig(boolean allowAnonymous) {
    public static AuthConfig defaults() {
        return new AuthConfig(true);
    }
}
