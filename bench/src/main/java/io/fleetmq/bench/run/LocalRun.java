package io.fleetmq.bench.run;

import io.fleetmq.bench.client.BenchClient;
import io.fleetmq.bench.client.ClientFactory;
import io.fleetmq.bench.client.ClientListener;
import io.fleetmq.bench.client.ClientSettings;
import io.fleetmq.bench.stats.BenchClock;
import io.fleetmq.bench.stats.BenchStats;
import io.fleetmq.bench.stats.StatsSource;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The clients of this process: connects them at the planned pace on one shared {@link ClientFactory}, then
 * subscribes or publishes as the mode says. A connector thread paces the connects; everything else runs on the
 * event loops.
 */
public final class LocalRun implements Driver {
    /** Connects in progress at most, so a connect rate of "as fast as possible" cannot exhaust memory. */
    private static final int MAX_PENDING_CONNECTS = 2048;
    /** Publishes written per event-loop turn when publishing without interval, before yielding to other clients. */
    private static final int BURST = 64;

    private final BenchPlan plan;
    private final BenchStats stats = new BenchStats();
    private final ClientFactory factory;
    private final ConcurrentLinkedQueue<BenchClient> clients = new ConcurrentLinkedQueue<>();
    private final AtomicInteger finishedClients = new AtomicInteger();
    /** The first connect failure is printed with its cause: a count alone does not say what to fix. */
    private final java.util.concurrent.atomic.AtomicBoolean firstFailureReported =
            new java.util.concurrent.atomic.AtomicBoolean();
    private final Semaphore pending = new Semaphore(MAX_PENDING_CONNECTS);
    private final Thread connector;
    private volatile boolean stopping;

    public LocalRun(BenchPlan plan) {
        this.plan = plan;
        this.factory = new ClientFactory(plan.ioThreads(), plan.ssl());
        this.connector = new Thread(this::connectAll, "bench-connector");
        connector.setDaemon(true);
    }

    @Override
    public StatsSource stats() {
        return stats;
    }

    @Override
    public void start() {
        connector.start();
    }

    /** pub with a limit: every client has sent (QoS 0) or completed (QoS 1/2) its share, or has failed. */
    @Override
    public boolean finished() {
        return plan.mode() == Mode.PUB && plan.limit() > 0 && finishedClients.get() >= plan.count();
    }

    private void connectAll() {
        long start = System.nanoTime();
        for (int i = 0; i < plan.count() && !stopping; i++) {
            long due = start + i * plan.connectIntervalNanos();
            for (long wait = due - System.nanoTime(); wait > 0 && !stopping; wait = due - System.nanoTime()) {
                LockSupport.parkNanos(Math.min(wait, TimeUnit.MILLISECONDS.toNanos(100)));
            }
            try {
                while (!pending.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                    if (stopping) {
                        return;
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (stopping) {
                pending.release();
                return;
            }
            connectOne(i);
        }
    }

    private void connectOne(int i) {
        String host = plan.hosts().get(i % plan.hosts().size());
        InetSocketAddress local = plan.ifaddrs().isEmpty() ? null
                : new InetSocketAddress(plan.ifaddrs().get(i % plan.ifaddrs().size()), 0);
        ClientSettings settings = new ClientSettings(new InetSocketAddress(host, plan.port()), local,
                plan.clientId(i), plan.version(), plan.keepAliveSecs(), plan.cleanStart(), plan.sessionExpirySecs(),
                plan.username(), plan.password());
        ClientListener listener = switch (plan.mode()) {
            case PUB -> new Publisher(plan.topicFor(i), plan.quotaFor(i));
            case SUB -> new Subscriber();
            case CONN -> new ClientListener() {
                @Override
                public void onConnectionLost(BenchClient c) {
                    stats.disconnected();
                }
            };
        };
        factory.connect(settings, listener).whenComplete((client, error) -> {
            pending.release();
            if (error != null) {
                stats.connectFailed();
                finishedClients.incrementAndGet();
                if (firstFailureReported.compareAndSet(false, true)) {
                    Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause()
                            != null ? error.getCause() : error;
                    System.err.println("first connect failure (client " + plan.clientId(i) + "): " + cause);
                }
                return;
            }
            stats.connected();
            clients.add(client);
            if (stopping) {
                client.close();
                return;
            }
            switch (plan.mode()) {
                case SUB -> client.subscribe(plan.topicFor(i), plan.qos())
                        .whenComplete((code, e) -> stats.subscribed(e == null && code < 0x80));
                case PUB -> ((Publisher) listener).start(client);
                default -> {
                }
            }
        });
    }

    @Override
    public void stop() {
        stopping = true;
        connector.interrupt();
        try {
            connector.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<BenchClient> all = new ArrayList<>(clients);
        all.forEach(BenchClient::close);
        // Give DISCONNECTs a moment to reach the broker before the loops stop.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (System.nanoTime() < deadline && all.stream().anyMatch(BenchClient::isActive)) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
        factory.close();
    }

    /** Counts messages and records latency from the timestamp in the first 8 payload bytes. */
    private final class Subscriber implements ClientListener {
        @Override
        public void onMessage(BenchClient client, String topic, ByteBuf payload) {
            stats.received(payload.readableBytes() >= Long.BYTES ? payload.getLong(payload.readerIndex()) : -1);
        }

        @Override
        public void onConnectionLost(BenchClient c) {
            stats.disconnected();
        }
    }

    /**
     * One client's publishing: every {@code -I} ms one message when fewer than {@code -F} are in flight (a tick that
     * finds the window full is skipped, as emqtt_bench does); with {@code -I 0}, as fast as the window and the
     * channel's writability allow. Event-loop confined.
     */
    private final class Publisher implements ClientListener {
        private final String topic;
        private final long quota;
        private long sent;
        private long completed;
        private boolean done;
        private BenchClient client;
        private io.netty.util.concurrent.ScheduledFuture<?> timer;
        private boolean pumpScheduled;

        Publisher(String topic, long quota) {
            this.topic = topic;
            this.quota = quota;
        }

        void start(BenchClient c) {
            c.eventLoop().execute(() -> {
                client = c;
                if (quota == 0) {
                    finish();
                } else if (plan.publishIntervalMs() > 0) {
                    timer = c.eventLoop().scheduleAtFixedRate(this::tick, 0, plan.publishIntervalMs(),
                            TimeUnit.MILLISECONDS);
                } else {
                    pump();
                }
            });
        }

        private boolean canSend() {
            return !done && !stopping && client.isActive() && (quota < 0 || sent < quota)
                    && (plan.qos() == 0 || client.publishesInflight() < window());
        }

        /** {@code -F 0} means no limit of our own: the 65535 packet identifiers are the limit. */
        private int window() {
            return plan.inflight() == 0 ? 65535 : plan.inflight();
        }

        private void tick() {
            if (canSend()) {
                sendOne();
                client.flush();
            }
        }

        private void pump() {
            pumpScheduled = false;
            int n = 0;
            while (n < BURST && client.isWritable() && canSend()) {
                sendOne();
                n++;
            }
            if (n > 0) {
                client.flush();
            }
            if (n == BURST && !pumpScheduled) {
                pumpScheduled = true;
                client.eventLoop().execute(this::pump);
            }
        }

        private void sendOne() {
            int size = Math.max(Long.BYTES, plan.payloadSize());
            ByteBuf payload = PooledByteBufAllocator.DEFAULT.buffer(size);
            payload.writeLong(BenchClock.epochMicros());
            payload.writeZero(size - Long.BYTES);
            if (!client.publish(topic, plan.qos(), payload)) {
                return;
            }
            sent++;
            stats.sent();
            if (plan.qos() == 0) {
                stats.acked();
                completed++;
                checkDone();
            }
        }

        @Override
        public void onPublishComplete(BenchClient c) {
            stats.acked();
            completed++;
            checkDone();
            if (plan.publishIntervalMs() == 0) {
                pump();
            }
        }

        @Override
        public void onWritable(BenchClient c) {
            if (plan.publishIntervalMs() == 0 && client != null) {
                pump();
            }
        }

        @Override
        public void onConnectionLost(BenchClient c) {
            stats.disconnected();
            finish();
        }

        private void checkDone() {
            if (quota >= 0 && completed >= quota) {
                finish();
            }
        }

        private void finish() {
            if (!done) {
                done = true;
                if (timer != null) {
                    timer.cancel(false);
                }
                finishedClients.incrementAndGet();
            }
        }
    }
}
