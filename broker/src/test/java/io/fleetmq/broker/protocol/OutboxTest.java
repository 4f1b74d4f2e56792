package io.fleetmq.broker.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link Outbox} on an {@link EmbeddedChannel} whose "socket" takes nothing until the test lets it: what is written
 * straight away, what waits, the bounds, the call-back for held-back QoS 1/2, and pausing reads for control packets.
 */
class OutboxTest {
    /** Holds flushes back, like a peer that does not read: pending bytes stay in Netty's buffer. */
    private static final class StuckSocket extends ChannelOutboundHandlerAdapter {
        boolean stuck = true;

        @Override
        public void flush(ChannelHandlerContext ctx) {
            if (!stuck) {
                ctx.flush();
            }
        }
    }

    private final StuckSocket socket = new StuckSocket();
    private final EmbeddedChannel channel = new EmbeddedChannel(socket);
    private final AtomicInteger roomAgain = new AtomicInteger();

    OutboxTest() {
        // Netty counts each pending write as its bytes plus ~96 bytes of entry overhead: with these marks the first
        // 10-byte packet leaves the channel writable and the second takes it above the high water mark.
        channel.config().setWriteBufferWaterMark(new WriteBufferWaterMark(64, 150));
    }

    @AfterEach
    void release() {
        channel.finishAndReleaseAll();
    }

    private ByteBuf packet(int marker) {
        return Unpooled.buffer(10).writeZero(9).writeByte(marker);
    }

    private Outbox outbox(int maxPackets, long maxBytes) {
        return new Outbox(channel, maxPackets, maxBytes, roomAgain::incrementAndGet);
    }

    private List<Integer> written() {
        List<Integer> markers = new ArrayList<>();
        ByteBuf b;
        while ((b = channel.readOutbound()) != null) {
            markers.add((int) b.getByte(9));
            b.release();
        }
        return markers;
    }

    private void unstick(Outbox o) {
        socket.stuck = false;
        channel.flush();
        o.writabilityChanged();
        channel.runPendingTasks();
    }

    @Test
    void packetsWaitWhileTheSocketIsAboveItsHighWaterMarkAndGoOutInOrder() {
        Outbox o = outbox(100, 1_000);
        o.addPublish(packet(1), 10);
        o.addPublish(packet(2), 10); // above the high water mark now
        assertThat(channel.isWritable()).isFalse();
        o.addPublish(packet(3), 10);
        o.addControl(packet(4));
        channel.runPendingTasks();
        assertThat(o.packets()).as("waiting in the outbox, not in Netty's buffer").isEqualTo(2);
        assertThat(o.bytes()).isEqualTo(10 + Outbox.CONTROL_PACKET_BYTES);

        unstick(o);
        assertThat(written()).containsExactly(1, 2, 3, 4);
        assertThat(o.packets()).isZero();
        assertThat(o.bytes()).isZero();
    }

    @Test
    void roomIsBoundedInBytesAndPacketsButAnEmptyOutboxAlwaysTakesOne() {
        Outbox o = outbox(3, 25);
        o.addPublish(packet(1), 10);
        o.addPublish(packet(2), 10);
        assertThat(o.hasRoomFor(1_000)).as("nothing queued yet: one packet of any size fits").isTrue();
        o.addPublish(packet(3), 10);
        assertThat(o.hasRoomFor(10)).isTrue();
        o.addPublish(packet(4), 10);
        assertThat(o.hasRoomFor(10)).as("25 bytes").isFalse();
        assertThat(o.hasRoomFor(5)).isTrue();
        o.addPublish(packet(5), 5);
        assertThat(o.hasRoomFor(0)).as("3 packets").isFalse();
        assertThat(o.hasRoom()).as("at the byte bound").isFalse();
        unstick(o);
        assertThat(written()).containsExactly(1, 2, 3, 4, 5);
    }

    @Test
    void aSenderToldThereIsNoRoomIsCalledBackOnceDrained() {
        Outbox o = outbox(100, 20);
        o.addPublish(packet(1), 10);
        o.addPublish(packet(2), 10);
        o.addPublish(packet(3), 10);
        o.addPublish(packet(4), 10);
        channel.runPendingTasks();
        assertThat(o.hasRoom()).isFalse();
        assertThat(roomAgain).hasValue(0);

        unstick(o);
        assertThat(roomAgain).hasValue(1);
        assertThat(o.hasRoom()).isTrue();
    }

    @Test
    void controlPacketsPastTheBoundPauseReadingUntilDrained() {
        Outbox o = outbox(100, 100);
        o.addPublish(packet(1), 10);
        o.addPublish(packet(2), 10);
        o.addControl(packet(3));
        o.addControl(packet(4));
        channel.runPendingTasks();
        assertThat(o.bytes()).isGreaterThan(100);
        assertThat(channel.config().isAutoRead()).as("a client that does not read is not read either").isFalse();

        unstick(o);
        assertThat(channel.config().isAutoRead()).isTrue();
        assertThat(written()).containsExactly(1, 2, 3, 4);
    }

    @Test
    void discardReleasesWhatNeverReachedTheSocket() {
        Outbox o = outbox(100, 1_000);
        o.addPublish(packet(1), 10);
        o.addPublish(packet(2), 10);
        ByteBuf waiting = packet(3);
        o.addPublish(waiting, 10);
        o.discard();
        assertThat(waiting.refCnt()).isZero();
        assertThat(o.packets()).isZero();
        assertThat(o.bytes()).isZero();
        socket.stuck = false;
        channel.flush();
        assertThat(written()).as("what Netty already had still goes out").containsExactly(1, 2);
    }
}
