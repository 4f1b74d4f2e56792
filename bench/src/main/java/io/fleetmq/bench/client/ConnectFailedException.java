package io.fleetmq.bench.client;

/** The broker refused the CONNECT, or the connection closed before CONNACK. */
public final class ConnectFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ConnectFailedException(String message) {
        super(message);
    }
}
