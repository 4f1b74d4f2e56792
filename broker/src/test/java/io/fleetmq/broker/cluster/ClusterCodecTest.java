package io.fleetmq.broker.cluster;

import io.fleetmq.broker.message.PublishMessage;
import io.fleetmq.broker.message.PublishProperties;
import io.fleetmq.broker.message.UserProperty;
import io.fleetmq.broker.routing.Subscription;
import io.fleetmq.broker.session.OutboundMessage;
import io.fleetmq.broker.session.SessionState;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The node-to-node wire format: every frame survives a round trip; unknown frames and old versions are handled. */
class ClusterCodecTest {
    private static final long SENDER_NOW = 5_000_000_000L;
    private static final long RECEIVER_NOW = 90_000_000_000L;

    private static PublishMessage message() {
        PublishProperties props = new PublishProperties(1, 60L, "text/plain", "reply/here",
                new byte[] {1, 2, 3}, List.of(new UserProperty("site", "7")));
        // Received 2 s before the sender's "now": the receiver must see the same age on its own clock.
        return new PublishMessage("devices/panel-1/alarm", 1, true, "armed".getBytes(StandardCharsets.UTF_8), props,
                "panel-1", SENDER_NOW - 2_000_000_000L);
    }

    private static List<ClusterFrame> decode(byte[] batch) throws Exception {
        List<ClusterFrame> out = new ArrayList<>();
        ClusterCodec.decode(batch, 0, batch.length, RECEIVER_NOW, out::add);
        return out;
    }

    @Test
    void everyFrameSurvivesARoundTripAndTimesTravelAsAges() throws Exception {
        PublishMessage m = message();
        OutboundMessage out = new OutboundMessage(m, List.of(4, 9), "workers/jobs/#");
        SessionState session = new SessionState("panel-1", 3600,
                List.of(new Subscription("cmd/panel-1/#", 1, true, true, 1, 4),
                        Subscription.of("$share/workers/jobs/#", 2)),
                List.of(new SessionState.Inflight(7, out, false), new SessionState.Inflight(8, out, true)),
                List.of(out), List.of(11, 12), 8);
        List<ClusterFrame> frames = List.of(
                new ClusterFrame.Hello(ClusterCodec.VERSION, "node-1"),
                new ClusterFrame.RouteSnapshot(List.of("a/#", "$share/g/b/+")),
                new ClusterFrame.RouteDelta(List.of("c/d"), List.of("e/#")),
                new ClusterFrame.Forward(m),
                new ClusterFrame.ForwardShared("workers/jobs/#", m),
                new ClusterFrame.RetainedPut(m),
                new ClusterFrame.ClaimRequest(42, "panel-1", false, "node-3"),
                new ClusterFrame.ClaimReply(42, "panel-1", session, ""),
                new ClusterFrame.ClaimReply(43, "panel-2", null, "node-2"),
                new ClusterFrame.SessionHandoff(session),
                new ClusterFrame.SessionAdopted("panel-1"),
                new ClusterFrame.Relay("panel-1", out));
        ClusterCodec.BatchWriter w = new ClusterCodec.BatchWriter(SENDER_NOW);
        frames.forEach(w::add);

        List<ClusterFrame> decoded = decode(w.toByteArray());

        assertThat(decoded).hasSize(frames.size());
        PublishMessage got = ((ClusterFrame.Forward) decoded.get(3)).message();
        assertThat(got.topic()).isEqualTo(m.topic());
        assertThat(got.payload()).isEqualTo(m.payload());
        assertThat(got.properties().userProperties()).isEqualTo(m.properties().userProperties());
        assertThat(got.properties().correlationData()).isEqualTo(m.properties().correlationData());
        assertThat(got.properties().messageExpiryInterval()).isEqualTo(60L);
        assertThat(got.publisherClientId()).isEqualTo("panel-1");
        assertThat(RECEIVER_NOW - got.receivedAtNanos()).as("age kept across clocks").isEqualTo(2_000_000_000L);
        SessionState s = ((ClusterFrame.ClaimReply) decoded.get(7)).session();
        assertThat(s.subscriptions()).isEqualTo(session.subscriptions());
        assertThat(s.inflight()).extracting(SessionState.Inflight::packetId, SessionState.Inflight::released)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(7, false),
                        org.assertj.core.groups.Tuple.tuple(8, true));
        assertThat(s.inflight().get(0).message().subscriptionIds()).containsExactly(4, 9);
        assertThat(s.inflight().get(0).message().sharedGroupKey()).isEqualTo("workers/jobs/#");
        assertThat(s.queued()).hasSize(1);
        assertThat(s.inboundQos2()).containsExactly(11, 12);
        assertThat(s.lastPacketId()).isEqualTo(8);
        assertThat(decoded.get(6)).isEqualTo(frames.get(6));
        assertThat(decoded.get(8)).isEqualTo(frames.get(8));
        assertThat(decoded.get(10)).isEqualTo(frames.get(10));
        assertThat(((ClusterFrame.RouteDelta) decoded.get(2)).removed()).containsExactly("e/#");
    }

    @Test
    void theSessionOwnerAndTheClaimantTravelInAFrameAnOlderNodeSkips() throws Exception {
        SessionState owned = new SessionState("panel-1", 3600, List.of(), List.of(), List.of(), List.of(), 0, "ops");
        List<ClusterFrame> frames = List.of(
                new ClusterFrame.ClaimRequest(42, "panel-1", false, "node-3", "mallory"),
                new ClusterFrame.ClaimReply(42, "panel-1", owned, ""),
                new ClusterFrame.SessionHandoff(owned.withOwner("")),
                new ClusterFrame.ClaimRefused(42, "panel-1"),
                new ClusterFrame.SessionHandoff(owned.withOwner(null)));
        ClusterCodec.BatchWriter w = new ClusterCodec.BatchWriter(SENDER_NOW);
        frames.forEach(w::add);
        byte[] batch = w.toByteArray();

        List<ClusterFrame> decoded = decode(batch);
        assertThat(decoded).hasSize(5);
        assertThat(decoded.get(0)).isEqualTo(frames.get(0));
        assertThat(((ClusterFrame.ClaimReply) decoded.get(1)).session().owner()).isEqualTo("ops");
        assertThat(((ClusterFrame.SessionHandoff) decoded.get(2)).session().owner()).as("anonymous").isEmpty();
        assertThat(decoded.get(3)).isEqualTo(frames.get(3));
        assertThat(((ClusterFrame.SessionHandoff) decoded.get(4)).session().owner()).as("unknown").isNull();

        // An older node reads the owner frame (type 12) as an unknown type and skips it; the claim itself reads as
        // before. Simulated by cutting the owner frame out: the claim decodes without an owner.
        int ownerFrameLength = 1 + 4 + ((batch[3] & 0xFF) << 24 | (batch[4] & 0xFF) << 16 | (batch[5] & 0xFF) << 8
                | (batch[6] & 0xFF));
        assertThat(batch[2]).as("owner frame first").isEqualTo((byte) 12);
        byte[] withoutOwner = new byte[batch.length - ownerFrameLength];
        System.arraycopy(batch, 0, withoutOwner, 0, 2);
        System.arraycopy(batch, 2 + ownerFrameLength, withoutOwner, 2, batch.length - 2 - ownerFrameLength);
        assertThat(decode(withoutOwner).get(0)).isEqualTo(new ClusterFrame.ClaimRequest(42, "panel-1", false,
                "node-3"));
    }

    @Test
    void aFrameTypeFromANewerNodeIsSkippedAndTheRestOfTheBatchIsRead() throws Exception {
        byte[] known = new ClusterCodec.BatchWriter(SENDER_NOW)
                .add(new ClusterFrame.SessionAdopted("a")).toByteArray();
        // 'F', version, then an unknown frame type 99 with 3 body bytes, then the known frame.
        byte[] batch = new byte[2 + 1 + 4 + 3 + known.length - 2];
        batch[0] = 'F';
        batch[1] = (byte) ClusterCodec.VERSION;
        batch[2] = 99;
        batch[6] = 3;
        System.arraycopy(known, 2, batch, 10, known.length - 2);

        assertThat(decode(batch)).containsExactly(new ClusterFrame.SessionAdopted("a"));
    }

    @Test
    void aBatchThatIsNotFleetMqOrIsCutShortIsRefusedWithTheReason() {
        assertThatThrownBy(() -> decode(new byte[] {'X', 1})).hasMessageContaining("bad magic byte");
        byte[] whole = ClusterCodec.encode(new ClusterFrame.Forward(message()), SENDER_NOW);
        byte[] cut = java.util.Arrays.copyOf(whole, whole.length - 5);
        assertThatThrownBy(() -> decode(cut)).isInstanceOf(ClusterCodec.UnreadableBatchException.class)
                .hasMessageContaining("claims");
    }

    @Test
    void aBatchFromTheOldestReadableVersionIsRead() throws Exception {
        byte[] batch = ClusterCodec.encode(new ClusterFrame.SessionAdopted("x"), SENDER_NOW);
        batch[1] = (byte) ClusterCodec.MIN_READABLE_VERSION;

        assertThat(decode(batch)).containsExactly(new ClusterFrame.SessionAdopted("x"));
        batch[1] = (byte) (ClusterCodec.MIN_READABLE_VERSION - 1);
        assertThatThrownBy(() -> decode(batch)).hasMessageContaining("older than the oldest readable version");
    }
}
