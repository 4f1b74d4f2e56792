package io.fleetmq.broker.protocol;

import io.netty.channel.Channel;
import io.netty.util.concurrent.ScheduledFuture;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * {@code limits.slowConsumerTimeout}: a client whose socket stays above its high water mark (unwritable) without a
 * break for this long is not reading what it subscribed to, and is disconnected. A client that reads, however slowly,
 * drains below the low water mark now and then, which restarts the clock. Event loop only.
 */
final class SlowConsumerDeadline {
    private final Channel channel;
    private final long timeoutNanos;
    private final Runnable expired;
    private ScheduledFuture<?> timer;

    /** @param expired runs on the event loop when the channel stayed unwritable for the whole timeout */
    SlowConsumerDeadline(Channel channel, Duration timeout, Runnable expired) {
        this.channel = channel;
        this.timeoutNanos = timeout.toNanos();
        this.expired = expired;
    }

    Duration timeout() {
        return Duration.ofNanos(timeoutNanos);
    }

    /** Called on every writability change. */
    void writabilityChanged() {
        if (timeoutNanos == 0) {
            return;
        }
        if (channel.isWritable()) {
            cancel();
        } else if (timer == null) {
            timer = channel.eventLoop().schedule(this::fire, timeoutNanos, TimeUnit.NANOSECONDS);
        }
    }

    private void fire() {
        timer = null;
        if (!channel.isWritable() && channel.isActive()) {
            expired.run();
        }
    }

    /** The channel closed, or became writable: no deadline. */
    void cancel() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }
}
