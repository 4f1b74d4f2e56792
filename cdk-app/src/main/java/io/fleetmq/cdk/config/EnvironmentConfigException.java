package io.fleetmq.cdk.config;

/** A bad or missing environment setting. The message is one line naming the key and where it came from. */
public final class EnvironmentConfigException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public EnvironmentConfigException(String message) {
        super(message);
    }
}
