package io.fleetmq.broker.session;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.fleetmq.broker.config.SessionsConfig;
import io.fleetmq.broker.message.PublishMessage;
import io.fleetmq.broker.message.PublishProperties;
import io.fleetmq.broker.metrics.BrokerStats;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * The session state machine on its own: inflight window, bounded queue, QoS 1/2 acknowledgement flows, redelivery
 * on attach, packet identifiers, inbound QoS 2 ids, shared-subscription hand-back and message expiry. Deterministic:
 * a recording {@link ClientConnection} and a hand-driven nano clock.
 */
class SessionTest {
    private static final long SECOND = 1_000_000_000L;

    private final BrokerStats stats = new BrokerStats();
    private final AtomicLong clock = new AtomicLong(1_000 * SECOND);
    private final ListAppender<ILoggingEvent> log = new ListAppender<>();
    private Logger sessionLogger;

    @BeforeEach
    void captureLog() {
        sessionLogger = (Logger) LoggerFactory.getLogger(Session.class);
        log.setName("session-test-capture");
        log.start();
        sessionLogger.addAppender(log);
    }

    @AfterEach
    void releaseLog() {
        sessionLogger.detachAppender(log);
        log.stop();
    }

    private Session session(int maxInflight, int maxQueued, boolean queueQos0) {
        return new Session("c1", new SessionsConfig(3600, maxInflight, maxQueued, queueQos0), stats, clock::get);
    }

    private OutboundMessage msg(String topic, int qos) {
        return msg(topic, qos, null, PublishProperties.NONE);
    }

    private OutboundMessage msg(String topic, int qos, String sharedGroupKey, PublishProperties props) {
        return new OutboundMessage(new PublishMessage(topic, qos, false, topic.getBytes(StandardCharsets.UTF_8),
                props, "pub", clock.get()), List.of(), sharedGroupKey);
    }

    private OutboundMessage expiring(String topic, int qos, long expirySeconds) {
        return msg(topic, qos, null, new PublishProperties(null, expirySeconds, null, null, null, List.of()));
    }

    private long warnings() {
        synchronized (log) {
            return log.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN)).count();
        }
    }

    /** Delivers QoS 1 messages on topics t/0 .. t/(count-1), in that order. */
    private void deliverQos1(Session s, int count) {
        for (int i = 0; i < count; i++) {
            s.deliver(msg("t/" + i, 1));
        }
    }

    // ------------------------------------------------------------------ inflight window

    @Test
    void qos1WindowIsTheClientReceiveMaximumWhenSmallerThanTheConfiguredMaximum() {
        // [MQTT-3.3.4-9]: never more unacknowledged QoS>0 PUBLISHes than the client's Receive Maximum.
        Session s = session(5, 100, false);
        RecordingConnection c = new RecordingConnection(2);
        s.attach(c);
        deliverQos1(s, 4);
        assertThat(c.publishedTopics()).containsExactly("t/0", "t/1");
        assertThat(s.inflightCount()).isEqualTo(2);
        assertThat(s.queuedCount()).isEqualTo(2);
    }

    @Test
    void qos1WindowIsTheConfiguredMaximumWhenSmallerThanTheClientReceiveMaximum() {
        Session s = session(2, 100, false);
        RecordingConnection c = new RecordingConnection(10);
        s.attach(c);
        deliverQos1(s, 5);
        assertThat(c.publishedTopics()).containsExactly("t/0", "t/1");
        assertThat(s.inflightCount()).isEqualTo(2);
        assertThat(s.queuedCount()).isEqualTo(3);
    }

    @Test
    void queuedMessagesAreSentInOrderAsAcknowledgementsFreeTheWindow() {
        // [MQTT-4.6.0-6]: messages to one subscriber keep their order.
        Session s = session(2, 100, false);
        RecordingConnection c = new RecordingConnection();
        s.attach(c);
        deliverQos1(s, 5);
        List<RecordingConnection.Sent> first = c.publishes();
        assertThat(s.onPuback(first.get(0).packetId())).isTrue();
        assertThat(c.publishedTopics()).containsExactly("t/0", "t/1", "t/2");
        assertThat(s.onPuback(first.get(1).packetId())).isTrue();
        assertThat(c.publishedTopics()).containsExactly("t/0", "t/1", "t/2", "t/3");
        s.onPuback(c.publishes().get(2).packetId());
        assertThat(c.publishedTopics()).containsExactly("t/0", "t/1", "t/2", "t/3", "t/4");
        assertThat(s.queuedCount()).isZero();
        assertThat(s.inflightCount()).isEqualTo(2);
    }

    @Test
    void aNewMessageQueuesBehindEarlierQueuedOnesEvenIfTheWindowHasRoom() {
        // Order over window efficiency: a queued message is never overtaken [MQTT-4.6.0-6].
        Session s = session(1, 100, false);
        s.deliver(msg("offline/1", 1));
        RecordingConnection c = new RecordingConnection();
        s.attach(c); // sends offline/1, window now full
        s.deliver(msg("live/2", 1));
        s.deliver(msg("live/3", 1));
        s.onPuback(c.publishes().get(0).packetId());
        s.onPuback(c.publishes().get(1).packetId());
        assertThat(c.publishedTopics()).containsExactly("offline/1", "live/2", "live/3");
    }

    @Test
    void qos0IsSentAtOnceWithPacketIdZeroAndDoesNotUseTheWindow() {
        Session s = session(1, 100, false);
        RecordingConnection c = new RecordingConnection();
        s.attach(c);
        s.deliver(msg("q1", 1));
        s.deliver(msg("q0", 0));
        assertThat(c.publishedTopics()).containsExactly("q1", "q0");
        assertThat(c.last().packetId()).isZero();
        assertThat(s.inflightCount()).isEqualTo(1);
    }

    // ------------------------------------------------------------------ offline delivery and the queue bound

    @Test
    void qos0ToAnOfflineSessionIsDroppedByDefault() {
        Session s = session(10, 100, false);
        s.deliver(msg("q0", 0));
        assertThat(s.queuedCount()).isZero();
        RecordingConnection c = new RecordingConnection();
        s.attach(c);
        assertThat(c.sent()).isEmpty();
    }

    @Test
    void qos0ToAnOfflineSessionIsQueuedWhenQueueQos0WhenOfflineIsSet() {
        Session s = session(10, 100, true);
        s.deliver(msg("q0", 0));
        s.deliver(msg("q1", 1));
        assertThat(s.queuedCount()).isEqualTo(2);
        RecordingConnection c = new RecordingConnection();
        s.attach(c);
        assertThat(c.publishedTopics()).containsExactly("q0", "q1");
        assertThat(c.publishes().get(0).packetId()).isZero();
        assertThat(c.publishes().get(1).packetId()).isNotZero();
        assertThat(s.inflightCount()).isEqualTo(1);
    }

    @Test
    void queueOverflowDropsTheNewestCountsThemAndLogsOnceUntilReattach() {
        Session s = session(10, 2, false);
        deliverQos1(s, 5);
        assertThat(s.queuedCount()).isEqualTo(2);
        assertThat(s.droppedMessages()).isEqualTo(3);
        assertThat(stats.messagesDropped()).isEqualTo(3);
        assertThat(warnings()).as("one WARN per client until it reconnects").isEqualTo(1);

        RecordingConnection c = new RecordingConnection();
        s.attach(c);
        assertThat(c.publishedTopics()).as("the oldest are kept, the newest dropped").containsExactly("t/0", "t/1");
        s.detach(c);
        for (int i = 0; i < 2; i++) {
            s.onPuback(c.publishes().get(i).packetId());
        }
        for (int i = 5; i < 9; i++) {
            s.deliver(msg("t/" + i, 1));
        }
        assertThat(s.droppedMessages()).isEqualTo(5);
        assertThat(stats.messagesDropped()).isEqualTo(5);
        assertThat(warnings()).as("re-attach re-arms the log line").isEqualTo(2);
        synchronized (log) {
            assertThat(log.list.get(1).getFormattedMessage()).contains("client=c1").contains("queue full")
                    .contains("total dropped for this client 4");
        }
    }

    @Test
    void queueOverflowWhileConnectedBeyondTheWindowIsAlsoBounded() {
        Session s = session(1, 1, false);
        RecordingConnection c = new RecordingConnection();
        s.attach(c);
        s.deliver(msg("a", 1)); // inflight
        s.deliver(msg("b", 1)); // queued
        s.deliver(msg("c", 1)); // dropped
        assertThat(s.inflightCount()).isEqualTo(1);
        assertThat(s.queuedCount()).isEqualTo(1);
        assertThat(s.droppedMessages()).isEqualTo(1);
        assertThat(warnings()).isEqualTo(1);
    }

    // ------------------------------------------------------------------ redelivery on attach

    @Test
    void attachResendsUnacknowledgedPublishesWithDupAndPubrelForReleasedQos2InOriginalOrder() {
        // [MQTT-4.4.0-1], [MQTT-3.3.1-1]: re-sent PUBLISH has DUP=1; a QoS 2 message past PUBREC gets PUBREL again.
        Session s = session(10, 100, false);
        RecordingConnection first = new RecordingConnection();
        s.attach(first);
        s.deliver(msg("a", 1));
        s.deliver(msg("b", 2));
        s.deliver(msg("c", 2));
        s.deliver(msg("d", 1));
        List<RecordingConnection.Sent> sent = first.publishes();
        int idA = sent.get(0).packetId();
        int idB = sent.get(1).packetId();
        int idC = sent.get(2).packetId();
        int idD = sent.get(3).packetId();
        assertThat(sent).allMatch(p -> !p.dup());
        assertThat(s.onPubrec(idB, false)).isTrue();
        assertThat(s.detach(first)).isTrue();

        RecordingConnection second = new RecordingConnection();
        s.attach(second);
        assertThat(second.sent()).extracting(RecordingConnection.Sent::type, RecordingConnection.Sent::packetId,
                        RecordingConnection.Sent::dup)
                .containsExactly(
                        tuple("PUBLISH", idA, true),
                        tuple("PUBREL", idB, false),
                        tuple("PUBLISH", idC, true),
                        tuple("PUBLISH", idD, true));
        assertThat(second.publishedTopics()).containsExactly("a", "c", "d");
    }

    @Test
    void attachResendsInflightBeforeQueuedMessages() {
        Session s = session(1, 100, false);
        RecordingConnection first = new RecordingConnection();
        s.attach(first);
        s.deliver(msg("a", 1));
        s.deliver(msg("b", 1)); // queued behind the window
        s.detach(first);
        RecordingConnection second = new RecordingConnection();
        s.attach(second);
        assertThat(second.publishedTopics()).containsExactly("a");
        assertThat(second.publishes().get(0).dup()).isTrue();
        s.onPuback(second.publishes().get(0).packetId());
        assertThat(second.publishedTopics()).containsExactly("a", "b");
        assertThat(second.publishes().get(1).dup()).isFalse();
    }

    @Test
    void detachByAnOlderConnectionIsIgnored() {
        Session s = session(10, 100, false);
        RecordingConnection old = new RecordingConnection();
        RecordingConnection current = new RecordingConnection();
        s.attach(old);
        s.attach(current);
        assertThat(s.detach(old)).isFalse();
        assertThat(s.connection()).isSameAs(current);
        assertThat(s.detach(current)).isTrue();
        assertThat(s.isConnected()).isFalse();
    }

    // ------------------------------------------------------------------ QoS 2 outbound flow

    @Test
    void qos2PubrecSendsPubrelAndPubcompFreesTheWindow() {
        // [MQTT-4.3.3-4]: PUBREC -> PUBREL; the packet id is released on PUBCOMP [MQTT-4.3.3-6].
        Session s = session(1, 100, false);
        RecordingConnection c = new RecordingConnection();
        s.attach(c);
        s.deliver(msg("a", 2));
        s.deliver(msg("b", 2));
        int id = c.publishes().get(0).packetId();
        assertThat(s.onPubcomp(id)).as("PUBCOMP before PUBREC is unexpected").isFalse();
        assertThat(s.onPubrec(id, false)).isTrue();
        assertThat(c.last().type()).isEqualTo("PUBREL");
        assertThat(c.last().packetId()).isEqualTo(id);
        assertThat(s.inflightCount()).as("still awaiting PUBCOMP").isEqualTo(1);
        assertThat(c.publishedTopics()).containsExactly("a");
        assertThat(s.onPubcomp(id)).isTrue();
        assertThat(s.inflightCount()).isEqualTo(1);
        assertThat(c.publishedTopics()).containsExactly("a", "b");
        assertThat(s.onPubcomp(id)).as("second PUBCOMP").isFalse();
    }

    @Test
    void pubrecWithAFailureReasonEndsTheQos2FlowWithoutPubrel() {
        // v5 PUBREC reason >= 0x80: the exchange ends there [MQTT-4.3.3-...], the window frees.
        Session s = session(1, 100, false);
        RecordingConnection c = new RecordingConnection();
        s.attach(c);
        s.deliver(msg("a", 2));
        s.deliver(msg("b", 2));
        int id = c.publishes().get(0).packetId();
        assertThat(s.onPubrec(id, true)).isTrue();
        assertThat(c.sent()).noneMatch(x -> x.type().equals("PUBREL"));
        assertThat(c.publishedTopics()).containsExactly("a", "b");
        assertThat(s.onPubcomp(id)).isFalse();
    }

    @Test
    void pubrecWhileOfflineMarksReleasedAndPubrelIsSentOnAttach() {
        Session s = session(10, 100, false);
        RecordingConnection c = new RecordingConnection();
        s.attach(c);
        s.deliver(msg("a", 2));
        int id = c.publishes().get(0).packetId();
        s.detach(c);
        assertThat(s.onPubrec(id, false)).isTrue();
        RecordingConnection next = new RecordingConnection();
        s.attach(next);
        assertThat(next.sent()).extracting(RecordingConnection.Sent::type).containsExactly("PUBREL");
    }

    @Test
    void acknowledgementsForUnknownOrMismatchedPacketIdsReturnFalse() {
        Session s = session(10, 100, false);
        RecordingConnection c = new RecordingConnection();
        s.attach(c);
        s.deliver(msg("q1", 1));
        s.deliver(msg("q2", 2));
        int q1 = c.publishes().get(0).packetId();
        int q2 = c.publishes().get(1).packetId();
        assertThat(s.onPuback(999)).isFalse();
        assertThat(s.onPubrec(999, false)).isFalse();
        assertThat(s.onPubcomp(999)).isFalse();
        assertThat(s.onPuback(q2)).as("PUBACK for a QoS 2 message").isFalse();
        assertThat(s.onPubrec(q1, false)).as("PUBREC for a QoS 1 message").isFalse();
        assertThat(s.onPubcomp(q1)).as("PUBCOMP for a QoS 1 message").isFalse();
        assertThat(s.inflightCount()).isEqualTo(2);
        assertThat(s.onPuback(q1)).isTrue();
        assertThat(s.onPuback(q1)).as("second PUBACK").isFalse();
    }

    // ------------------------------------------------------------------ packet identifiers

    @Test
    void packetIdsStartAtOneAreNeverZeroWrapAfter65535AndSkipIdsStillInFlight() {
        // [MQTT-2.2.1-3]: a non-zero packet id not in use by another unacknowledged exchange.
        Session s = session(2, 10, false);
        RecordingConnection c = new RecordingConnection();
        s.attach(c);
        s.deliver(msg("held", 1)); // id 1 stays in flight
        assertThat(c.publishes().get(0).packetId()).isEqualTo(1);
        Set<Integer> seen = new HashSet<>();
        int last = 1;
        for (int i = 0; i < 65_534; i++) { // ids 2..65535
            s.deliver(msg("x", 1));
            last = c.last().packetId();
            seen.add(last);
            assertThat(s.onPuback(last)).isTrue();
            c.clear();
        }
        assertThat(last).isEqualTo(65_535);
        assertThat(seen).hasSize(65_534).doesNotContain(0, 1);
        s.deliver(msg("wrapped", 1));
        assertThat(c.last().packetId()).as("wraps to 1, which is still in flight, so 2").isEqualTo(2);
        s.onPuback(1);
        s.onPuback(2);
        s.deliver(msg("next", 1));
        assertThat(c.last().packetId()).isEqualTo(3);
    }

    // ------------------------------------------------------------------ inbound QoS 2

    @Test
    void beginInboundQos2RejectsADuplicateUntilReleased() {
        // [MQTT-4.3.3-9]: a re-sent QoS 2 PUBLISH before PUBREL must not be delivered again.
        Session s = session(10, 100, false);
        assertThat(s.beginInboundQos2(7)).isTrue();
        assertThat(s.beginInboundQos2(7)).isFalse();
        assertThat(s.beginInboundQos2(8)).isTrue();
        assertThat(s.inboundQos2Count()).isEqualTo(2);
        assertThat(s.releaseInboundQos2(7)).isTrue();
        assertThat(s.releaseInboundQos2(7)).as("unknown on second PUBREL (v5 PUBCOMP 0x92)").isFalse();
        assertThat(s.inboundQos2Count()).isEqualTo(1);
        assertThat(s.beginInboundQos2(7)).as("id reusable after release").isTrue();
    }

    // ------------------------------------------------------------------ shared subscriptions

    @Test
    void takeSharedMessagesReturnsUnreleasedSharedMessagesInflightThenQueued() {
        // [MQTT-4.8.2-6]: unacknowledged shared messages go to another member; released QoS 2 ones stay.
        Session s = session(3, 100, false);
        RecordingConnection c = new RecordingConnection();
        s.attach(c);
        s.deliver(msg("shared-q1", 1, "g/t", PublishProperties.NONE));
        s.deliver(msg("shared-q2-released", 2, "g/t", PublishProperties.NONE));
        s.deliver(msg("plain-inflight", 1));
        s.deliver(msg("shared-queued", 1, "g/t", PublishProperties.NONE));
        s.deliver(msg("plain-queued", 1));
        assertThat(s.onPubrec(c.publishes().get(1).packetId(), false)).isTrue();

        List<OutboundMessage> taken = s.takeSharedMessages();
        assertThat(taken).extracting(m -> m.message().topic()).containsExactly("shared-q1", "shared-queued");
        assertThat(s.inflightCount()).isEqualTo(2);
        assertThat(s.queuedCount()).isEqualTo(1);
        assertThat(s.takeSharedMessages()).isEmpty();
    }

    // ------------------------------------------------------------------ message expiry

    @Test
    void anExpiredMessageIsDroppedAtDeliver() {
        // [MQTT-3.3.2-5]: once the Message Expiry Interval has passed, the message is not delivered.
        Session s = session(10, 100, false);
        RecordingConnection c = new RecordingConnection();
        s.attach(c);
        OutboundMessage m = expiring("exp", 1, 10);
        clock.addAndGet(10 * SECOND);
        s.deliver(m);
        assertThat(c.sent()).isEmpty();
        assertThat(s.inflightCount()).isZero();
        assertThat(stats.messagesDropped()).isEqualTo(1);
    }

    @Test
    void aMessageNotYetExpiredIsDelivered() {
        Session s = session(10, 100, false);
        RecordingConnection c = new RecordingConnection();
        s.attach(c);
        OutboundMessage m = expiring("exp", 1, 10);
        clock.addAndGet(10 * SECOND - 1);
        s.deliver(m);
        assertThat(c.publishedTopics()).containsExactly("exp");
        assertThat(stats.messagesDropped()).isZero();
    }

    @Test
    void aQueuedMessageThatExpiresWhileWaitingIsDroppedAtDrain() {
        Session s = session(10, 100, false);
        s.deliver(expiring("short", 1, 5));
        s.deliver(expiring("long", 1, 60));
        s.deliver(msg("forever", 1));
        clock.addAndGet(30 * SECOND);
        RecordingConnection c = new RecordingConnection();
        s.attach(c);
        assertThat(c.publishedTopics()).containsExactly("long", "forever");
        assertThat(stats.messagesDropped()).isEqualTo(1);
        assertThat(s.queuedCount()).isZero();
    }

    @Test
    void aMessageExpiringInTheQueueBehindAFullWindowIsDroppedWhenTheWindowOpens() {
        Session s = session(1, 100, false);
        RecordingConnection c = new RecordingConnection();
        s.attach(c);
        s.deliver(msg("a", 1));
        s.deliver(expiring("b", 1, 5));
        s.deliver(msg("c", 1));
        clock.addAndGet(6 * SECOND);
        s.onPuback(c.publishes().get(0).packetId());
        assertThat(c.publishedTopics()).containsExactly("a", "c");
        assertThat(stats.messagesDropped()).isEqualTo(1);
    }

    // ------------------------------------------------------------------ send failures

    @Test
    void aMessageTheConnectionCannotSendIsNotKeptInflight() {
        // [MQTT-3.1.2-25]: too large for the client: discarded as if delivered, the window is not consumed.
        Session s = session(1, 100, false);
        RecordingConnection c = new RecordingConnection().accepting(m -> !m.message().topic().equals("huge"));
        s.attach(c);
        s.deliver(msg("huge", 1));
        assertThat(s.inflightCount()).isZero();
        s.deliver(msg("small", 1));
        assertThat(c.publishedTopics()).containsExactly("small");
        assertThat(s.inflightCount()).isEqualTo(1);
        // Nothing to redeliver for the failed one on a new connection.
        s.detach(c);
        RecordingConnection next = new RecordingConnection();
        s.attach(next);
        assertThat(next.publishedTopics()).containsExactly("small");
    }

    @Test
    void aQueuedMessageTheConnectionCannotSendIsSkippedAtDrain() {
        Session s = session(10, 100, false);
        s.deliver(msg("huge", 1));
        s.deliver(msg("small", 1));
        RecordingConnection c = new RecordingConnection().accepting(m -> !m.message().topic().equals("huge"));
        s.attach(c);
        assertThat(c.publishedTopics()).containsExactly("small");
        assertThat(s.inflightCount()).isEqualTo(1);
        assertThat(s.queuedCount()).isZero();
    }

    @Test
    void clearDropsAllState() {
        Session s = session(1, 100, false);
        RecordingConnection c = new RecordingConnection();
        s.attach(c);
        s.deliver(msg("a", 1));
        s.deliver(msg("b", 1));
        s.beginInboundQos2(3);
        s.clear();
        assertThat(s.inflightCount()).isZero();
        assertThat(s.queuedCount()).isZero();
        assertThat(s.inboundQos2Count()).isZero();
    }
}
