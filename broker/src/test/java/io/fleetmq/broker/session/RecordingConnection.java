package io.fleetmq.broker.session;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * A test double for the network side of a session: records every packet the session asks it to send, in order.
 * Not a mock of a client; it implements the broker's own {@link ClientConnection} interface.
 */
final class RecordingConnection implements ClientConnection {

    /** One packet the session sent: a PUBLISH (with message) or a PUBREL (message null). */
    record Sent(String type, int packetId, boolean dup, OutboundMessage message) {
        String topic() {
            return message == null ? null : message.message().topic();
        }

        @Override
        public String toString() {
            return type + "(" + packetId + (dup ? ",dup" : "") + (message == null ? "" : "," + topic()) + ")";
        }
    }

    private final int receiveMaximum;
    private final List<Sent> sent = new ArrayList<>();
    private Predicate<OutboundMessage> accepts = m -> true;
    private int takeovers;

    RecordingConnection(int receiveMaximum) {
        this.receiveMaximum = receiveMaximum;
    }

    RecordingConnection() {
        this(65_535);
    }

    /** Makes sendPublish return false (as for a packet over the client's Maximum Packet Size) when it fails. */
    RecordingConnection accepting(Predicate<OutboundMessage> predicate) {
        this.accepts = predicate;
        return this;
    }

    @Override
    public synchronized boolean sendPublish(OutboundMessage message, int packetId, boolean dup) {
        if (!accepts.test(message)) {
            return false;
        }
        sent.add(new Sent("PUBLISH", packetId, dup, message));
        return true;
    }

    @Override
    public synchronized void sendPubrel(int packetId) {
        sent.add(new Sent("PUBREL", packetId, false, null));
    }

    @Override
    public synchronized void closeForTakeover() {
        takeovers++;
    }

    @Override
    public int receiveMaximum() {
        return receiveMaximum;
    }

    @Override
    public String remoteAddress() {
        return "test:0";
    }

    synchronized List<Sent> sent() {
        return List.copyOf(sent);
    }

    synchronized List<Sent> publishes() {
        return sent.stream().filter(s -> s.type().equals("PUBLISH")).collect(Collectors.toList());
    }

    synchronized List<String> publishedTopics() {
        return publishes().stream().map(Sent::topic).collect(Collectors.toList());
    }

    synchronized Sent last() {
        return sent.get(sent.size() - 1);
    }

    synchronized void clear() {
        sent.clear();
    }

    synchronized int takeovers() {
        return takeovers;
    }
}
