package io.fleetmq.broker.config;

/**
 * The HTTP listener for {@code /metrics}, {@code /healthz}, {@code /readyz} and the admin API ({@code http.*}).
 *
 * @param adminToken bearer token the admin API requires; empty means none is configured, and then the admin API
 *                   refuses every request (it is never open by default)
 */
public record HttpConfig(boolean enabled, String bind, int port, String adminToken) {

    public HttpConfig {
        adminToken = adminToken == null ? "" : adminToken;
    }

    public static HttpConfig defaults() {
        return new HttpConfig(true, "127.0.0.1", 8080, "");
    }

    public boolean adminApiEnabled() {
        return !adminToken.isEmpty();
    }

    /** Never prints the token itself. */
    @Override
    public String toString() {
        return "HttpConfig[enabled=" + enabled + ", bind=" + bind + ", port=" + port + ", adminToken="
                + (adminApiEnabled() ? "(set)" : "(none)") + "]";
    }
}
