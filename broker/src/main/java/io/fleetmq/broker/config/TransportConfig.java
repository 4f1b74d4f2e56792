package io.fleetmq.broker.config;

/**
 * Netty transport ({@code transport.*}).
 *
 * @param nativeEpoll use the native epoll transport where the platform has it (falls back to NIO otherwise)
 * @param ioThreads   event loop threads; 0 means Netty's default (2 x cores)
 */
public record TransportConfig(boolean nativeEpoll, int ioThreads) {
    public static TransportConfig defaults() {
        return new TransportConfig(true, 0);
    }
}
