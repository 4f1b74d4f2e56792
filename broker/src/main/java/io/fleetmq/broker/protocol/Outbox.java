package io.fleetmq.broker.protocol;

import io.netty.channel.Channel;
import io.netty.util.ReferenceCountUtil;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Everything on its way to one client, bounded. A packet is written straight into the socket only when nothing is
 * queued ahead of it, the caller is on the channel's event loop and the channel is writable (below its high water
 * mark); otherwise it waits here, in order, until the socket drains. So Netty's own outbound buffer never holds more
 * than the high water mark plus one packet, and what a slow reader has not taken yet stays here, counted in packets
 * and in bytes ({@code limits.maxOutboundBytesPerClient}, {@code sessions.maxQueuedMessages}).
 * <p>
 * Who respects the bound: the connection drops QoS 0 that does not fit ({@link #hasRoomFor}); the session keeps
 * QoS 1/2 in its own queue while {@link #hasRoom()} is false and is called back once there is room again; control
 * packets (acknowledgements, PINGRESP) are answers to what the client sent, so they are always queued, and while the
 * bound is passed the client's socket is not read: a client that sends without reading is slowed by TCP, not fed.
 * <p>
 * Thread-safety: {@link #add} may be called from any thread (publishers hold the session's lock); draining and the
 * writability callbacks run on the channel's event loop.
 */
final class Outbox {
    /**
     * What a queued control packet is counted as: a few bytes on the wire, but tens of bytes of heap as an object,
     * and an attacker chooses how many there are.
     */
    static final int CONTROL_PACKET_BYTES = 64;

    private final Channel channel;
    private final int maxPackets;
    private final long maxBytes;
    private final Runnable roomAgain;

    /**
     * A linked queue rather than an array-backed MPSC queue: an idle connection then costs a few dozen bytes for it,
     * not the ~4 KB first chunk an array queue allocates up front (measured: 15,000 idle connections).
     */
    private final Queue<Pending> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger packets = new AtomicInteger();
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final Runnable drainTask = this::drain;
    /** Set when a sender found no room; {@link #roomAgain} runs once there is. */
    private volatile boolean senderWaiting;
    /** Event loop only: reading was paused because control packets passed the bound. */
    private boolean readsPaused;

    private record Pending(Object packet, int bytes) {
    }

    /**
     * @param maxPackets packets queued at most for QoS 0 ({@code sessions.maxQueuedMessages})
     * @param maxBytes   bytes queued at most ({@code limits.maxOutboundBytesPerClient})
     * @param roomAgain  runs on the event loop when a sender that found no room may send again
     */
    Outbox(Channel channel, int maxPackets, long maxBytes, Runnable roomAgain) {
        this.channel = channel;
        this.maxPackets = maxPackets;
        this.maxBytes = maxBytes;
        this.roomAgain = roomAgain;
    }

    /**
     * Whether a packet of {@code packetBytes} fits. An empty outbox always takes one packet (it cannot be larger than
     * the client's Maximum Packet Size), so a message larger than the bound is still delivered to a client that reads.
     */
    boolean hasRoomFor(long packetBytes) {
        int queued = packets.get();
        if (queued == 0) {
            return true;
        }
        return queued < maxPackets && bytes.get() + packetBytes <= maxBytes;
    }

    /** Whether more may be sent at all (the session asks before moving QoS 1/2 messages out of its queue). */
    boolean hasRoom() {
        if (!full()) {
            return true;
        }
        // Flag first, then look again: either the event loop, draining meanwhile, sees the flag and calls back, or
        // this second look sees what it drained. Never neither, which would leave the session's queue waiting.
        senderWaiting = true;
        return !full();
    }

    private boolean full() {
        return packets.get() > 0 && bytes.get() >= maxBytes;
    }

    /** Queues a PUBLISH the caller checked with {@link #hasRoomFor}. */
    void addPublish(Object packet, int packetBytes) {
        add(packet, packetBytes);
    }

    /** Queues a control packet: never refused; past the bound the client's socket is no longer read. */
    void addControl(Object packet) {
        add(packet, CONTROL_PACKET_BYTES);
        if (bytes.get() > maxBytes) {
            channel.eventLoop().execute(this::pauseReadsIfStillFull);
        }
    }

    private void add(Object packet, int packetBytes) {
        if (packets.get() == 0 && channel.eventLoop().inEventLoop() && channel.isWritable()) {
            channel.write(packet, channel.voidPromise());
        } else {
            queue.add(new Pending(packet, packetBytes));
            packets.incrementAndGet();
            bytes.addAndGet(packetBytes);
        }
        // One flush per event-loop turn, however many packets were added meanwhile.
        scheduleDrain();
    }

    private void scheduleDrain() {
        if (drainScheduled.compareAndSet(false, true)) {
            channel.eventLoop().execute(drainTask);
        }
    }

    /**
     * Moves what is queued into the socket while it is writable, and flushes once: a fan-in of many publishers costs
     * one task and one syscall per turn, not one per packet.
     */
    private void drain() {
        // Cleared before polling: a packet added after this point schedules the next turn itself.
        drainScheduled.set(false);
        Pending next;
        while (channel.isWritable() && (next = queue.poll()) != null) {
            packets.decrementAndGet();
            bytes.addAndGet(-next.bytes());
            channel.write(next.packet(), channel.voidPromise());
        }
        channel.flush();
        if (readsPaused && bytes.get() <= maxBytes / 2) {
            readsPaused = false;
            channel.config().setAutoRead(true);
        }
        if (senderWaiting && hasRoom()) {
            senderWaiting = false;
            roomAgain.run();
        }
    }

    private void pauseReadsIfStillFull() {
        if (!readsPaused && bytes.get() > maxBytes && channel.isActive()) {
            readsPaused = true;
            channel.config().setAutoRead(false);
        }
    }

    /** The socket drained below its low water mark (or filled up): resume moving the queue into it. */
    void writabilityChanged() {
        if (channel.isWritable() && (packets.get() > 0 || senderWaiting || readsPaused)) {
            scheduleDrain();
        }
    }

    int packets() {
        return packets.get();
    }

    long bytes() {
        return bytes.get();
    }

    /** The channel closed: what never reached the socket is released (QoS 1/2 stay in the session for resend). */
    void discard() {
        Pending p;
        while ((p = queue.poll()) != null) {
            packets.decrementAndGet();
            bytes.addAndGet(-p.bytes());
            ReferenceCountUtil.release(p.packet());
        }
    }
}
