package io.fleetmq.broker.cluster;

import io.fleetmq.broker.message.PublishMessage;
import io.fleetmq.broker.message.PublishProperties;
import io.fleetmq.broker.message.UserProperty;
import io.fleetmq.broker.routing.Subscription;
import io.fleetmq.broker.session.OutboundMessage;
import io.fleetmq.broker.session.SessionState;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Wire format of node-to-node batches. A batch is {@code 'F', version, frame*}; a frame is
 * {@code type (1 byte), length (4 bytes), body}. The length lets a node skip a frame type it does not know, and
 * the version lets a node read batches from a node one version older ({@link #MIN_READABLE_VERSION}).
 * <p>
 * Times are carried as ages (nanoseconds since receipt), never as {@link System#nanoTime()} values, which mean
 * nothing on another JVM.
 */
public final class ClusterCodec {
    /** The protocol version this build writes. */
    public static final int VERSION = 1;
    /** The oldest version this build still reads (a rolling upgrade mixes two adjacent versions). */
    public static final int MIN_READABLE_VERSION = 1;

    private static final byte MAGIC = 'F';
    private static final byte HELLO = 1;
    private static final byte ROUTE_SNAPSHOT = 2;
    private static final byte ROUTE_DELTA = 3;
    private static final byte FORWARD = 4;
    private static final byte FORWARD_SHARED = 5;
    private static final byte RETAINED_PUT = 6;
    private static final byte CLAIM_REQUEST = 7;
    private static final byte CLAIM_REPLY = 8;
    private static final byte SESSION_HANDOFF = 9;
    private static final byte RELAY = 10;
    private static final byte SESSION_ADOPTED = 11;
    /**
     * The owner (principal) of the session in the frame that follows, or of the claimant in a {@code CLAIM_REQUEST}
     * that follows: written just before it. A frame of its own, so a node that does not know it skips it (and
     * adopts the session without an owner, or releases it to any claimant, as before) while the other frames keep
     * their layout.
     */
    private static final byte SESSION_OWNER = 12;
    private static final byte CLAIM_REFUSED = 13;

    private ClusterCodec() {
    }

    /** Thrown for a batch this node cannot read; the batch is dropped and logged, the link stays up. */
    public static final class UnreadableBatchException extends Exception {
        UnreadableBatchException(String message) {
            super(message);
        }
    }

    /** Collects frames into one batch. Not thread-safe. */
    public static final class BatchWriter {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        private final DataOutputStream out = new DataOutputStream(bytes);
        private final ByteArrayOutputStream frameBytes = new ByteArrayOutputStream(256);
        private final DataOutputStream frame = new DataOutputStream(frameBytes);
        private final long nowNanos;
        private int frames;

        public BatchWriter(long nowNanos) {
            this.nowNanos = nowNanos;
            try {
                out.writeByte(MAGIC);
                out.writeByte(VERSION);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        public BatchWriter add(ClusterFrame f) {
            try {
                String[] owner = ownerOf(f);
                if (owner != null) {
                    frameBytes.reset();
                    frame.writeUTF(owner[0]);
                    frame.writeUTF(owner[1]);
                    out.writeByte(SESSION_OWNER);
                    out.writeInt(frameBytes.size());
                    frameBytes.writeTo(out);
                }
                frameBytes.reset();
                byte type = writeBody(f, frame, nowNanos);
                out.writeByte(type);
                out.writeInt(frameBytes.size());
                frameBytes.writeTo(out);
                frames++;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return this;
        }

        public int frames() {
            return frames;
        }

        public int size() {
            return bytes.size();
        }

        public byte[] toByteArray() {
            return bytes.toByteArray();
        }
    }

    /** Encodes one frame as a batch of its own. */
    public static byte[] encode(ClusterFrame f, long nowNanos) {
        return new BatchWriter(nowNanos).add(f).toByteArray();
    }

    /**
     * Decodes a batch, handing each frame to {@code sink}; unknown frame types are skipped.
     *
     * @param nowNanos this node's clock, to turn carried ages back into local receipt times
     */
    public static void decode(byte[] batch, int offset, int length, long nowNanos, Consumer<ClusterFrame> sink)
            throws UnreadableBatchException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(batch, offset, length));
        try {
            if (in.readByte() != MAGIC) {
                throw new UnreadableBatchException("not a FleetMQ cluster batch (bad magic byte)");
            }
            int version = in.readUnsignedByte();
            if (version < MIN_READABLE_VERSION) {
                throw new UnreadableBatchException("protocol version " + version + " is older than the oldest "
                        + "readable version " + MIN_READABLE_VERSION);
            }
            // A newer peer writes for our version once it has our Hello; until then its frames are length-framed,
            // and the types we know keep their layout, so reading on is safe.
            String[] ownerOfNext = null; // {client id, owner} from a SESSION_OWNER frame
            while (in.available() > 0) {
                byte type = in.readByte();
                int len = in.readInt();
                if (len < 0 || len > in.available()) {
                    throw new UnreadableBatchException("frame of type " + type + " claims " + len + " bytes, "
                            + in.available() + " left");
                }
                if (type == SESSION_OWNER) {
                    ownerOfNext = new String[] {in.readUTF(), in.readUTF()};
                    continue;
                }
                ClusterFrame f = readBody(type, in, len, nowNanos);
                if (ownerOfNext != null) {
                    f = withOwner(f, ownerOfNext[0], ownerOfNext[1]);
                    ownerOfNext = null;
                }
                if (f != null) {
                    sink.accept(f);
                }
            }
        } catch (IOException | RuntimeException e) {
            throw new UnreadableBatchException("malformed batch: " + e);
        }
    }

    /** {client id, owner} of a frame that carries an owner, else null. */
    private static String[] ownerOf(ClusterFrame f) {
        if (f instanceof ClusterFrame.ClaimRequest c) {
            return c.owner() == null ? null : new String[] {c.clientId(), c.owner()};
        }
        SessionState s = sessionOf(f);
        return s == null || s.owner() == null ? null : new String[] {s.clientId(), s.owner()};
    }

    private static SessionState sessionOf(ClusterFrame f) {
        if (f instanceof ClusterFrame.ClaimReply c) {
            return c.session();
        }
        return f instanceof ClusterFrame.SessionHandoff h ? h.session() : null;
    }

    /** {@code f} with its session's owner set, when it carries the session of {@code clientId}. */
    private static ClusterFrame withOwner(ClusterFrame f, String clientId, String owner) {
        if (f instanceof ClusterFrame.ClaimRequest c && c.clientId().equals(clientId)) {
            return new ClusterFrame.ClaimRequest(c.requestId(), c.clientId(), c.cleanStart(), c.requester(), owner);
        }
        SessionState s = sessionOf(f);
        if (s == null || !s.clientId().equals(clientId)) {
            return f;
        }
        if (f instanceof ClusterFrame.ClaimReply c) {
            return new ClusterFrame.ClaimReply(c.requestId(), c.clientId(), s.withOwner(owner), c.movedTo());
        }
        return new ClusterFrame.SessionHandoff(s.withOwner(owner));
    }

    private static byte writeBody(ClusterFrame f, DataOutputStream out, long now) throws IOException {
        if (f instanceof ClusterFrame.Hello h) {
            out.writeInt(h.protocolVersion());
            out.writeUTF(h.nodeName());
            return HELLO;
        } else if (f instanceof ClusterFrame.RouteSnapshot r) {
            writeStrings(out, r.filters());
            return ROUTE_SNAPSHOT;
        } else if (f instanceof ClusterFrame.RouteDelta d) {
            writeStrings(out, d.added());
            writeStrings(out, d.removed());
            return ROUTE_DELTA;
        } else if (f instanceof ClusterFrame.Forward fw) {
            writeMessage(out, fw.message(), now);
            return FORWARD;
        } else if (f instanceof ClusterFrame.ForwardShared fs) {
            out.writeUTF(fs.groupKey());
            writeMessage(out, fs.message(), now);
            return FORWARD_SHARED;
        } else if (f instanceof ClusterFrame.RetainedPut rp) {
            writeMessage(out, rp.message(), now);
            return RETAINED_PUT;
        } else if (f instanceof ClusterFrame.ClaimRequest c) {
            out.writeLong(c.requestId());
            out.writeUTF(c.clientId());
            out.writeBoolean(c.cleanStart());
            out.writeUTF(c.requester());
            return CLAIM_REQUEST;
        } else if (f instanceof ClusterFrame.ClaimReply c) {
            out.writeLong(c.requestId());
            out.writeUTF(c.clientId());
            out.writeBoolean(c.session() != null);
            if (c.session() != null) {
                writeSession(out, c.session(), now);
            }
            out.writeUTF(c.movedTo());
            return CLAIM_REPLY;
        } else if (f instanceof ClusterFrame.SessionHandoff h) {
            writeSession(out, h.session(), now);
            return SESSION_HANDOFF;
        } else if (f instanceof ClusterFrame.ClaimRefused r) {
            out.writeLong(r.requestId());
            out.writeUTF(r.clientId());
            return CLAIM_REFUSED;
        } else if (f instanceof ClusterFrame.SessionAdopted a) {
            out.writeUTF(a.clientId());
            return SESSION_ADOPTED;
        } else if (f instanceof ClusterFrame.Relay r) {
            out.writeUTF(r.clientId());
            writeOutbound(out, r.message(), now);
            return RELAY;
        }
        throw new IllegalArgumentException("unknown frame " + f);
    }

    private static ClusterFrame readBody(byte type, DataInputStream in, int len, long now) throws IOException {
        switch (type) {
            case HELLO:
                return new ClusterFrame.Hello(in.readInt(), in.readUTF());
            case ROUTE_SNAPSHOT:
                return new ClusterFrame.RouteSnapshot(readStrings(in));
            case ROUTE_DELTA:
                return new ClusterFrame.RouteDelta(readStrings(in), readStrings(in));
            case FORWARD:
                return new ClusterFrame.Forward(readMessage(in, now));
            case FORWARD_SHARED:
                return new ClusterFrame.ForwardShared(in.readUTF(), readMessage(in, now));
            case RETAINED_PUT:
                return new ClusterFrame.RetainedPut(readMessage(in, now));
            case CLAIM_REQUEST:
                return new ClusterFrame.ClaimRequest(in.readLong(), in.readUTF(), in.readBoolean(), in.readUTF());
            case CLAIM_REPLY: {
                long id = in.readLong();
                String clientId = in.readUTF();
                SessionState s = in.readBoolean() ? readSession(in, now) : null;
                return new ClusterFrame.ClaimReply(id, clientId, s, in.readUTF());
            }
            case SESSION_HANDOFF:
                return new ClusterFrame.SessionHandoff(readSession(in, now));
            case RELAY:
                return new ClusterFrame.Relay(in.readUTF(), readOutbound(in, now));
            case SESSION_ADOPTED:
                return new ClusterFrame.SessionAdopted(in.readUTF());
            case CLAIM_REFUSED:
                return new ClusterFrame.ClaimRefused(in.readLong(), in.readUTF());
            default:
                in.skipNBytes(len);
                return null;
        }
    }

    private static void writeStrings(DataOutputStream out, List<String> list) throws IOException {
        out.writeInt(list.size());
        for (String s : list) {
            out.writeUTF(s);
        }
    }

    private static List<String> readStrings(DataInputStream in) throws IOException {
        int n = in.readInt();
        List<String> list = new ArrayList<>(Math.min(n, 1024));
        for (int i = 0; i < n; i++) {
            list.add(in.readUTF());
        }
        return list;
    }

    private static void writeNullableUtf(DataOutputStream out, String s) throws IOException {
        out.writeBoolean(s != null);
        if (s != null) {
            out.writeUTF(s);
        }
    }

    private static String readNullableUtf(DataInputStream in) throws IOException {
        return in.readBoolean() ? in.readUTF() : null;
    }

    private static void writeBytes(DataOutputStream out, byte[] b) throws IOException {
        out.writeInt(b == null ? -1 : b.length);
        if (b != null) {
            out.write(b);
        }
    }

    private static byte[] readBytes(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0) {
            return null;
        }
        return in.readNBytes(n);
    }

    static void writeMessage(DataOutputStream out, PublishMessage m, long now) throws IOException {
        out.writeUTF(m.topic());
        out.writeByte(m.qos());
        out.writeBoolean(m.retain());
        writeBytes(out, m.payload());
        PublishProperties p = m.properties();
        out.writeInt(p.payloadFormatIndicator() == null ? -1 : p.payloadFormatIndicator());
        out.writeLong(p.messageExpiryInterval() == null ? -1 : p.messageExpiryInterval());
        writeNullableUtf(out, p.contentType());
        writeNullableUtf(out, p.responseTopic());
        writeBytes(out, p.correlationData());
        out.writeInt(p.userProperties().size());
        for (UserProperty u : p.userProperties()) {
            out.writeUTF(u.name());
            out.writeUTF(u.value());
        }
        out.writeUTF(m.publisherClientId());
        out.writeLong(Math.max(0, now - m.receivedAtNanos()));
    }

    static PublishMessage readMessage(DataInputStream in, long now) throws IOException {
        String topic = in.readUTF();
        int qos = in.readByte();
        boolean retain = in.readBoolean();
        byte[] payload = readBytes(in);
        int pfi = in.readInt();
        long expiry = in.readLong();
        String contentType = readNullableUtf(in);
        String responseTopic = readNullableUtf(in);
        byte[] correlation = readBytes(in);
        int n = in.readInt();
        List<UserProperty> users = new ArrayList<>(Math.min(n, 64));
        for (int i = 0; i < n; i++) {
            users.add(new UserProperty(in.readUTF(), in.readUTF()));
        }
        PublishProperties props = pfi < 0 && expiry < 0 && contentType == null && responseTopic == null
                && correlation == null && users.isEmpty() ? PublishProperties.NONE
                : new PublishProperties(pfi < 0 ? null : pfi, expiry < 0 ? null : expiry, contentType,
                responseTopic, correlation, users);
        String publisher = in.readUTF();
        long age = in.readLong();
        return new PublishMessage(topic, qos, retain, payload == null ? new byte[0] : payload, props, publisher,
                now - age);
    }

    private static void writeOutbound(DataOutputStream out, OutboundMessage m, long now) throws IOException {
        writeMessage(out, m.message(), now);
        out.writeInt(m.subscriptionIds().size());
        for (int id : m.subscriptionIds()) {
            out.writeInt(id);
        }
        writeNullableUtf(out, m.sharedGroupKey());
    }

    private static OutboundMessage readOutbound(DataInputStream in, long now) throws IOException {
        PublishMessage m = readMessage(in, now);
        int n = in.readInt();
        // The count comes from the peer: size the list by the bytes actually left (4 per id), never by the claim
        // (a claimed 2^31 ids would otherwise allocate gigabytes before the first read fails).
        List<Integer> ids = new ArrayList<>(Math.max(0, Math.min(n, in.available() / Integer.BYTES)));
        for (int i = 0; i < n; i++) {
            ids.add(in.readInt());
        }
        return new OutboundMessage(m, ids, readNullableUtf(in));
    }

    private static void writeSession(DataOutputStream out, SessionState s, long now) throws IOException {
        out.writeUTF(s.clientId());
        out.writeLong(s.expiryIntervalSeconds());
        out.writeInt(s.subscriptions().size());
        for (Subscription sub : s.subscriptions()) {
            out.writeUTF(sub.topicFilter());
            out.writeByte(sub.qos());
            out.writeBoolean(sub.noLocal());
            out.writeBoolean(sub.retainAsPublished());
            out.writeByte(sub.retainHandling());
            out.writeInt(sub.subscriptionId());
        }
        out.writeInt(s.inflight().size());
        for (SessionState.Inflight m : s.inflight()) {
            out.writeShort(m.packetId());
            out.writeBoolean(m.released());
            writeOutbound(out, m.message(), now);
        }
        out.writeInt(s.queued().size());
        for (OutboundMessage m : s.queued()) {
            writeOutbound(out, m, now);
        }
        out.writeInt(s.inboundQos2().size());
        for (int id : s.inboundQos2()) {
            out.writeShort(id);
        }
        out.writeShort(s.lastPacketId());
    }

    private static SessionState readSession(DataInputStream in, long now) throws IOException {
        String clientId = in.readUTF();
        long expiry = in.readLong();
        int n = in.readInt();
        List<Subscription> subs = new ArrayList<>(Math.min(n, 1024));
        for (int i = 0; i < n; i++) {
            subs.add(new Subscription(in.readUTF(), in.readByte(), in.readBoolean(), in.readBoolean(),
                    in.readByte(), in.readInt()));
        }
        n = in.readInt();
        List<SessionState.Inflight> inflight = new ArrayList<>(Math.min(n, 1024));
        for (int i = 0; i < n; i++) {
            int packetId = in.readUnsignedShort();
            boolean released = in.readBoolean();
            inflight.add(new SessionState.Inflight(packetId, readOutbound(in, now), released));
        }
        n = in.readInt();
        List<OutboundMessage> queued = new ArrayList<>(Math.min(n, 1024));
        for (int i = 0; i < n; i++) {
            queued.add(readOutbound(in, now));
        }
        n = in.readInt();
        List<Integer> inbound = new ArrayList<>(Math.min(n, 1024));
        for (int i = 0; i < n; i++) {
            inbound.add(in.readUnsignedShort());
        }
        return new SessionState(clientId, expiry, subs, inflight, queued, inbound, in.readUnsignedShort());
    }
}
