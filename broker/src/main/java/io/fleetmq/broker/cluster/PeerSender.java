package io.fleetmq.broker.cluster;

import org.jgroups.Address;
import org.jgroups.BytesMessage;
import org.jgroups.JChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * Sends frames to other nodes from one thread, so event loops never block on the network: frames are queued,
 * then everything queued for the same node goes out as one batch (one JGroups message, up to ~64 KiB).
 * <p>
 * Back-pressure: JGroups flow control (UFC) blocks this thread while a receiver is behind; the queue then fills up
 * to {@code maxQueuedForwards} publishes, beyond which further publishes for other nodes are dropped and counted
 * instead of growing without bound. Control frames (routes, sessions) are never dropped.
 */
final class PeerSender implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PeerSender.class);
    private static final int MAX_BATCH_BYTES = 60 * 1024;
    private static final int MAX_FRAMES_PER_TURN = 1024;

    private record Outgoing(Address destination, ClusterFrame frame, boolean droppable) {
    }

    private final JChannel channel;
    private final LongSupplier nanoClock;
    private final int maxQueuedForwards;
    private final LinkedBlockingQueue<Outgoing> queue = new LinkedBlockingQueue<>();
    private final AtomicInteger queuedForwards = new AtomicInteger();
    private final LongAdder dropped = new LongAdder();
    private final LongAdder sentBatches = new LongAdder();
    private final Thread thread;
    private volatile boolean running = true;

    PeerSender(JChannel channel, LongSupplier nanoClock, int maxQueuedForwards) {
        this.channel = channel;
        this.nanoClock = nanoClock;
        this.maxQueuedForwards = maxQueuedForwards;
        this.thread = new Thread(this::run, "fleetmq-cluster-sender");
        thread.setDaemon(true);
        thread.start();
    }

    /** Queues a control frame: always accepted. */
    void send(Address destination, ClusterFrame frame) {
        queue.add(new Outgoing(destination, frame, false));
    }

    /**
     * Queues a forwarded publish.
     *
     * @return false when dropped because the node's outbound queue is full
     */
    boolean sendForward(Address destination, ClusterFrame frame) {
        if (queuedForwards.incrementAndGet() > maxQueuedForwards) {
            queuedForwards.decrementAndGet();
            dropped.increment();
            long n = dropped.sum();
            if (n == 1 || n % 10_000 == 0) {
                LOG.warn("cluster outbound queue full ({} publishes): dropping forwards; {} dropped so far",
                        maxQueuedForwards, n);
            }
            return false;
        }
        queue.add(new Outgoing(destination, frame, true));
        return true;
    }

    long dropped() {
        return dropped.sum();
    }

    int queued() {
        return queue.size();
    }

    /** Waits until everything queued so far was handed to JGroups, or the timeout passes. */
    boolean flush(long timeoutMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (!queue.isEmpty() && System.currentTimeMillis() < deadline) {
            Thread.sleep(5);
        }
        return queue.isEmpty();
    }

    private void run() {
        List<Outgoing> turn = new ArrayList<>();
        while (running) {
            try {
                Outgoing first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                turn.add(first);
                queue.drainTo(turn, MAX_FRAMES_PER_TURN - 1);
                sendTurn(turn);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                LOG.warn("cluster send failed: {}", e.toString());
            } finally {
                for (Outgoing o : turn) {
                    if (o.droppable()) {
                        queuedForwards.decrementAndGet();
                    }
                }
                turn.clear();
            }
        }
    }

    /** Groups the frames by destination, keeping their order per destination, and sends one batch per group. */
    private void sendTurn(List<Outgoing> turn) {
        long now = nanoClock.getAsLong();
        Map<Address, ClusterCodec.BatchWriter> batches = new LinkedHashMap<>();
        for (Outgoing o : turn) {
            ClusterCodec.BatchWriter w = batches.computeIfAbsent(o.destination(),
                    d -> new ClusterCodec.BatchWriter(now));
            w.add(o.frame());
            if (w.size() >= MAX_BATCH_BYTES) {
                transmit(o.destination(), w);
                batches.remove(o.destination());
            }
        }
        batches.forEach(this::transmit);
    }

    private void transmit(Address destination, ClusterCodec.BatchWriter batch) {
        try {
            channel.send(new BytesMessage(destination, batch.toByteArray()));
            sentBatches.increment();
        } catch (Exception e) {
            // The member left (its view change is on the way) or the channel is closing.
            LOG.debug("cluster batch of {} frames to {} not sent: {}", batch.frames(), destination, e.toString());
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
    }
}
