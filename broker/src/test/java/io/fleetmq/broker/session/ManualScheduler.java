package io.fleetmq.broker.session;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link ScheduledExecutorService} driven by hand: tasks run only inside {@link #advance}, on the calling thread,
 * in due order. Its clock ({@link #nanoTime()}) also serves as the session layer's nano clock, so will delays,
 * session expiry and message expiry all move together and deterministically.
 */
final class ManualScheduler extends AbstractExecutorService implements ScheduledExecutorService {
    private final AtomicLong now = new AtomicLong(1_000_000_000_000L);
    private final List<Task<?>> tasks = new ArrayList<>();
    private long sequence;
    private boolean shutdown;

    long nanoTime() {
        return now.get();
    }

    /** Moves the clock forward, running every task that becomes due (in due order, ties by scheduling order). */
    void advance(long amount, TimeUnit unit) {
        long target = now.get() + unit.toNanos(amount);
        while (true) {
            Task<?> next;
            synchronized (this) {
                next = tasks.stream().filter(t -> !t.isCancelled() && t.dueAt <= target)
                        .min(Comparator.<Task<?>>comparingLong(t -> t.dueAt).thenComparingLong(t -> t.seq))
                        .orElse(null);
                if (next == null) {
                    break;
                }
                tasks.remove(next);
                now.set(Math.max(now.get(), next.dueAt));
            }
            next.run();
        }
        now.set(target);
    }

    void advanceSeconds(long seconds) {
        advance(seconds, TimeUnit.SECONDS);
    }

    /** Tasks scheduled and neither run nor cancelled. */
    synchronized int pendingTasks() {
        return (int) tasks.stream().filter(t -> !t.isCancelled()).count();
    }

    @Override
    public synchronized ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
        return add(() -> {
            command.run();
            return null;
        }, delay, unit);
    }

    @Override
    public synchronized <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
        return add(callable, delay, unit);
    }

    private <V> Task<V> add(Callable<V> callable, long delay, TimeUnit unit) {
        if (shutdown) {
            throw new java.util.concurrent.RejectedExecutionException("shut down");
        }
        Task<V> t = new Task<>(callable, now.get() + unit.toNanos(delay), sequence++);
        tasks.add(t);
        return t;
    }

    @Override
    public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
        throw new UnsupportedOperationException("not used by the session layer");
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
        throw new UnsupportedOperationException("not used by the session layer");
    }

    @Override
    public void execute(Runnable command) {
        schedule(command, 0, TimeUnit.NANOSECONDS);
    }

    @Override
    public synchronized void shutdown() {
        shutdown = true;
    }

    @Override
    public synchronized List<Runnable> shutdownNow() {
        shutdown = true;
        tasks.clear();
        return List.of();
    }

    @Override
    public synchronized boolean isShutdown() {
        return shutdown;
    }

    @Override
    public synchronized boolean isTerminated() {
        return shutdown;
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
        return true;
    }

    private final class Task<V> implements ScheduledFuture<V> {
        private final Callable<V> callable;
        private final long dueAt;
        private final long seq;
        private volatile boolean cancelled;
        private volatile boolean done;
        private V result;

        Task(Callable<V> callable, long dueAt, long seq) {
            this.callable = callable;
            this.dueAt = dueAt;
            this.seq = seq;
        }

        void run() {
            if (cancelled) {
                return;
            }
            try {
                result = callable.call();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            } finally {
                done = true;
            }
        }

        @Override
        public long getDelay(TimeUnit unit) {
            return unit.convert(dueAt - now.get(), TimeUnit.NANOSECONDS);
        }

        @Override
        public int compareTo(Delayed o) {
            return Long.compare(getDelay(TimeUnit.NANOSECONDS), o.getDelay(TimeUnit.NANOSECONDS));
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            if (done) {
                return false;
            }
            cancelled = true;
            return true;
        }

        @Override
        public boolean isCancelled() {
            return cancelled;
        }

        @Override
        public boolean isDone() {
            return done || cancelled;
        }

        @Override
        public V get() {
            return result;
        }

        @Override
        public V get(long timeout, TimeUnit unit) {
            return result;
        }
    }
}
