package io.fleetmq.broker.transport;

/** A listener could not bind its address: the message names the address and why, for a one-line start error. */
public final class BindFailedException extends RuntimeException {
    public BindFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
