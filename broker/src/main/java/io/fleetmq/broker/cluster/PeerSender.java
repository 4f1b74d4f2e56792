package io.fleetmq.broker.cluster;

import org.jgroups.Address;
import org.jgroups.BytesMessage;
import org.jgroups.JChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * Sends frames to other nodes, one queue and one thread per peer, so event loops never block on the network and one
 * slow or stalled node never holds up forwards and session claims to the others: JGroups flow control (UFC) blocks
 * the thread of the peer that is behind, and only that peer's queue grows. Everything queued for a peer goes out in
 * batches (one JGroups message, up to ~64 KiB).
 * <p>
 * Bounds, per peer: up to {@code maxQueuedForwards} publishes; beyond that further publishes for that peer are
 * dropped and counted ({@link PeerQueue#dropped()}). Control frames (routes, claims, sessions, relays) are never
 * dropped: they are few, and losing one would lose a session or a route.
 */
final class PeerSender implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PeerSender.class);
    private static final int MAX_BATCH_BYTES = 60 * 1024;
    private static final int MAX_FRAMES_PER_TURN = 1024;

    /** Told when a peer's queue appears or goes, so per-peer metrics follow the membership. */
    interface Listener {
        void peerAdded(String peer, PeerQueue queue);

        void peerRemoved(String peer);

        Listener NONE = new Listener() {
            @Override
            public void peerAdded(String peer, PeerQueue queue) {
            }

            @Override
            public void peerRemoved(String peer) {
            }
        };
    }

    private record Outgoing(ClusterFrame frame, boolean droppable) {
    }

    private final JChannel channel;
    private final LongSupplier nanoClock;
    private final int maxQueuedForwards;
    private final Listener listener;
    private final Map<Address, PeerQueue> peers = new ConcurrentHashMap<>();
    private final LongAdder droppedByGonePeers = new LongAdder();
    private volatile boolean running = true;

    PeerSender(JChannel channel, LongSupplier nanoClock, int maxQueuedForwards, Listener listener) {
        this.channel = channel;
        this.nanoClock = nanoClock;
        this.maxQueuedForwards = maxQueuedForwards;
        this.listener = listener;
    }

    /** Queues a control frame: always accepted. */
    void send(String peer, Address destination, ClusterFrame frame) {
        PeerQueue q = queue(peer, destination);
        if (q != null) {
            q.add(new Outgoing(frame, false));
        }
    }

    /**
     * Queues a forwarded publish.
     *
     * @return false when dropped because this peer's queue is full
     */
    boolean sendForward(String peer, Address destination, ClusterFrame frame) {
        PeerQueue q = queue(peer, destination);
        return q != null && q.addForward(frame);
    }

    /** The peer left: its queue and thread go (what was queued for it has nowhere to go). */
    void remove(Address destination) {
        PeerQueue q = peers.remove(destination);
        if (q != null) {
            q.stop();
            listener.peerRemoved(q.peer);
        }
    }

    /** Drops the queues of members no longer in the view. */
    void retainOnly(java.util.Collection<Address> members) {
        for (Address a : List.copyOf(peers.keySet())) {
            if (!members.contains(a)) {
                remove(a);
            }
        }
    }

    /** Publishes dropped for all peers since start (peers that left included). */
    long dropped() {
        long n = droppedByGonePeers.sum();
        for (PeerQueue q : peers.values()) {
            n += q.dropped();
        }
        return n;
    }

    /** Frames queued for {@code peer} now (0 when there is no queue for it). */
    int queued(String peer) {
        for (PeerQueue q : peers.values()) {
            if (q.peer.equals(peer)) {
                return q.queued();
            }
        }
        return 0;
    }

    /** Waits until everything queued so far was handed to JGroups, or the timeout passes. */
    boolean flush(long timeoutMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (System.currentTimeMillis() < deadline) {
            if (peers.values().stream().allMatch(PeerQueue::idle)) {
                return true;
            }
            Thread.sleep(5);
        }
        return peers.values().stream().allMatch(PeerQueue::idle);
    }

    private PeerQueue queue(String peer, Address destination) {
        if (!running || destination == null) {
            return null;
        }
        PeerQueue q = peers.get(destination);
        if (q != null) {
            return q;
        }
        boolean[] created = new boolean[1];
        q = peers.computeIfAbsent(destination, d -> {
            created[0] = true;
            return new PeerQueue(peer, d);
        });
        if (created[0]) {
            q.start();
            listener.peerAdded(peer, q);
        }
        return q;
    }

    @Override
    public void close() {
        running = false;
        for (Address a : List.copyOf(peers.keySet())) {
            remove(a);
        }
    }

    /** One peer's queue and the thread that drains it. */
    final class PeerQueue {
        private final String peer;
        private final Address destination;
        private final LinkedBlockingQueue<Outgoing> queue = new LinkedBlockingQueue<>();
        private final AtomicInteger queuedForwards = new AtomicInteger();
        private final AtomicInteger inTurn = new AtomicInteger();
        private final LongAdder dropped = new LongAdder();
        private final Thread thread;
        private volatile boolean open = true;

        private PeerQueue(String peer, Address destination) {
            this.peer = peer;
            this.destination = destination;
            this.thread = new Thread(this::run, "fleetmq-cluster-sender-" + peer);
            thread.setDaemon(true);
        }

        private void start() {
            thread.start();
        }

        private void add(Outgoing o) {
            queue.add(o);
        }

        private boolean addForward(ClusterFrame frame) {
            if (queuedForwards.incrementAndGet() > maxQueuedForwards) {
                queuedForwards.decrementAndGet();
                dropped.increment();
                long n = dropped.sum();
                if (n == 1 || n % 10_000 == 0) {
                    LOG.warn("cluster send queue for node {} full ({} publishes): dropping forwards to it; {} dropped "
                            + "so far", peer, maxQueuedForwards, n);
                }
                return false;
            }
            queue.add(new Outgoing(frame, true));
            return true;
        }

        /** Frames waiting for this peer. */
        int queued() {
            return queue.size() + inTurn.get();
        }

        /** Publishes for this peer dropped because its queue was full. */
        long dropped() {
            return dropped.sum();
        }

        private boolean idle() {
            return queue.isEmpty() && inTurn.get() == 0;
        }

        private void stop() {
            open = false;
            droppedByGonePeers.add(dropped.sum());
            thread.interrupt();
        }

        private void run() {
            List<Outgoing> turn = new ArrayList<>();
            while (open) {
                try {
                    Outgoing first = queue.poll(100, TimeUnit.MILLISECONDS);
                    if (first == null) {
                        continue;
                    }
                    turn.add(first);
                    queue.drainTo(turn, MAX_FRAMES_PER_TURN - 1);
                    inTurn.set(turn.size());
                    sendTurn(turn);
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    LOG.warn("cluster send to node {} failed: {}", peer, e.toString());
                } finally {
                    for (Outgoing o : turn) {
                        if (o.droppable()) {
                            queuedForwards.decrementAndGet();
                        }
                    }
                    turn.clear();
                    inTurn.set(0);
                }
            }
        }

        /** Sends the frames in order, in batches of up to {@link #MAX_BATCH_BYTES}. */
        private void sendTurn(List<Outgoing> turn) {
            ClusterCodec.BatchWriter batch = new ClusterCodec.BatchWriter(nanoClock.getAsLong());
            for (Outgoing o : turn) {
                batch.add(o.frame());
                if (batch.size() >= MAX_BATCH_BYTES) {
                    transmit(batch);
                    batch = new ClusterCodec.BatchWriter(nanoClock.getAsLong());
                }
            }
            if (batch.frames() > 0) {
                transmit(batch);
            }
        }

        private void transmit(ClusterCodec.BatchWriter batch) {
            try {
                channel.send(new BytesMessage(destination, batch.toByteArray()));
            } catch (Exception e) {
                // The member left (its view change is on the way) or the channel is closing.
                LOG.debug("cluster batch of {} frames to {} not sent: {}", batch.frames(), peer, e.toString());
            }
        }
    }
}
