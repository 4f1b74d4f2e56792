package io.fleetmq.broker.cli;

import io.fleetmq.broker.config.BrokerConfig;
import io.fleetmq.broker.config.TcpListenerConfig;
import io.fleetmq.broker.transport.BindFailedException;

import java.net.BindException;

/** Turns a start or run failure into one line an operator can act on. */
final class Failures {

    private static final String IN_USE = "Address already in use";

    private Failures() {
    }

    /** "cannot bind 127.0.0.1:1883: Address already in use" when binding failed, else the innermost message. */
    static String describeStart(Throwable t, BrokerConfig config) {
        Throwable bind = findBindFailure(t);
        if (bind != null) {
            TcpListenerConfig tcp = config.listeners().tcp();
            String reason = bind.getMessage() == null ? bind.getClass().getSimpleName() : bind.getMessage();
            if (reason.contains(IN_USE)) {
                reason = IN_USE;
            }
            String address = tcp.bind() + ":" + tcp.port();
            for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
                if (c instanceof BindFailedException bfe && bfe.address() != null) {
                    address = bfe.address(); // the HTTP listener, not the MQTT one
                    break;
                }
            }
            return "cannot bind " + address + ": " + reason;
        }
        return "broker failed to start: " + describe(t);
    }

    /** The deepest cause's message, on one line, with its type when the message alone would be unclear. */
    static String describe(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String msg = root.getMessage();
        if (msg == null || msg.isBlank()) {
            return root.getClass().getSimpleName();
        }
        return msg.replaceAll("\\s*\\R\\s*", " ").trim();
    }

    // Netty's NIO transport throws java.net.BindException; its epoll transport throws an IOException whose message
    // is "bind(..) failed: Address already in use".
    private static Throwable findBindFailure(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            String msg = c.getMessage() == null ? "" : c.getMessage();
            if (c instanceof BindException || msg.contains(IN_USE) || msg.startsWith("bind(")) {
                return c;
            }
        }
        return null;
    }
}
