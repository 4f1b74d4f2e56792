package io.fleetmq.broker.transport;

/** A listener could not bind its address: the message names the address and why, for a one-line start error. */
public final class BindFailedException extends RuntimeException {
    private final String address;

    public BindFailedException(String message, Throwable cause) {
        super(message, cause);
        this.address = null;
    }

    /** For a listener other than MQTT's TCP one (the HTTP port), so the start error names the right address. */
    public BindFailedException(String host, int port, Throwable cause) {
        super("cannot bind " + host + ":" + port + ": " + cause.getMessage(), cause);
        this.address = host + ":" + port;
    }

    /** "host:port" when the listener named it, else null (then it is the MQTT TCP listener's). */
    public String address() {
        return address;
    }
}
