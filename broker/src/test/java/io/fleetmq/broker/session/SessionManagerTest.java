package io.fleetmq.broker.session;

import io.fleetmq.broker.config.SessionsConfig;
import io.fleetmq.broker.message.PublishMessage;
import io.fleetmq.broker.message.PublishProperties;
import io.fleetmq.broker.metrics.BrokerStats;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Session lifecycle on CONNECT and connection loss: resume vs new, clean start, takeover, will publication and will
 * delay, session expiry, shutdown, shared-message hand-back. Timers run on a {@link ManualScheduler}, whose clock is
 * also the manager's nano clock.
 */
class SessionManagerTest {

    /** Records what the session layer asks of routing. */
    static final class RecordingEvents implements SessionEvents {
        final List<PublishMessage> wills = new ArrayList<>();
        final List<String> ended = new ArrayList<>();
        final List<List<OutboundMessage>> redistributed = new ArrayList<>();
        final List<String> redistributedFrom = new ArrayList<>();

        @Override
        public synchronized void publishWill(PublishMessage will) {
            wills.add(will);
        }

        @Override
        public synchronized void sessionEnded(String clientId) {
            ended.add(clientId);
        }

        @Override
        public synchronized void redistributeShared(String fromClientId, List<OutboundMessage> messages) {
            redistributedFrom.add(fromClientId);
            redistributed.add(List.copyOf(messages));
        }
    }

    private final ManualScheduler timers = new ManualScheduler();
    private final RecordingEvents events = new RecordingEvents();
    private final InMemorySessionStore store = new InMemorySessionStore();
    private SessionManager manager;

    @BeforeEach
    void setUp() {
        manager = new SessionManager(store, new SessionsConfig(7 * 24 * 3600, 10, 100, false), new BrokerStats(),
                timers, timers::nanoTime);
        manager.events(events);
    }

    private static Will will(String topic, long delaySeconds) {
        return new Will(new PublishMessage(topic, 1, false, "gone".getBytes(StandardCharsets.UTF_8),
                PublishProperties.NONE, "c1", 0L), delaySeconds);
    }

    /** open + attach, as ConnectProcessor does. */
    private SessionManager.Opened connect(String clientId, boolean cleanStart, long expiry, RecordingConnection c) {
        SessionManager.Opened opened = manager.open(clientId, "", cleanStart, expiry, c);
        opened.session().attach(c);
        return opened;
    }

    private List<String> willTopics() {
        return events.wills.stream().map(PublishMessage::topic).toList();
    }

    // ------------------------------------------------------------------ open

    @Test
    void anotherOwnerIsRefusedAndNeitherTheSessionNorItsConnectionIsTouched() {
        RecordingConnection owner = new RecordingConnection();
        SessionManager.Opened opened = manager.open("console", "ops", false, 300, owner);
        opened.session().attach(owner);

        SessionManager.Opened refused = manager.open("console", "mallory", true, 0, new RecordingConnection());

        assertThat(refused.ownedByAnother()).isTrue();
        assertThat(refused.session()).isNull();
        assertThat(store.get("console")).isSameAs(opened.session());
        assertThat(opened.session().connection()).as("the owner stays attached").isSameAs(owner);
        assertThat(events.ended).isEmpty();
        assertThat(manager.open("console", "ops", false, 300, new RecordingConnection()).sessionPresent())
                .as("the owner itself takes over as usual").isTrue();
    }

    @Test
    void beyondTheOfflineBoundAnOwnersOldestOfflineSessionEnds() {
        manager.maxOfflineSessionsPerOwner(2);
        for (String id : List.of("f1", "f2", "f3")) {
            RecordingConnection c = new RecordingConnection();
            Session s = manager.open(id, "flooder", false, 300, c).session();
            s.attach(c);
            manager.closed(s, c, null, false);
        }
        RecordingConnection other = new RecordingConnection();
        Session kept = manager.open("o1", "ops", false, 300, other).session();
        kept.attach(other);
        manager.closed(kept, other, null, false);

        assertThat(events.ended).containsExactly("f1");
        assertThat(manager.offlineSessionsOf("flooder")).isEqualTo(2);
        assertThat(manager.offlineSessionsOf("ops")).isEqualTo(1);
        assertThat(store.get("f1")).isNull();
        assertThat(store.get("f3")).isNotNull();
    }

    @Test
    void aWillWhosePermissionWasRevokedIsNotPublishedWhenItFires() {
        RecordingConnection c = new RecordingConnection();
        Session s = manager.open("c1", "d1", true, 0, c).session();
        s.attach(c);
        boolean[] allowed = {true};
        Will w = new Will(will("devices/d1/status", 0).message(), 0, topic -> allowed[0]);
        allowed[0] = false; // the ACL changed after CONNECT

        manager.closed(s, c, w, false);

        assertThat(events.wills).isEmpty();
    }

    @Test
    void firstConnectCreatesASessionWithoutSessionPresent() {
        // [MQTT-3.2.2-3]: no session existed, so Session Present is 0.
        SessionManager.Opened opened = connect("c1", false, 60, new RecordingConnection());
        assertThat(opened.sessionPresent()).isFalse();
        assertThat(store.get("c1")).isSameAs(opened.session());
        assertThat(opened.session().expiryIntervalSeconds()).isEqualTo(60);
    }

    @Test
    void reconnectWithoutCleanStartResumesTheSameSessionWithSessionPresent() {
        // [MQTT-3.2.2-2]: resumed session -> Session Present 1; state (queued messages) carried over.
        RecordingConnection first = new RecordingConnection();
        Session s = connect("c1", false, 60, first).session();
        manager.closed(s, first, null, false);
        s.deliver(new OutboundMessage(new PublishMessage("t", 1, false, new byte[0], null, "p", timers.nanoTime()),
                null, null));
        timers.advanceSeconds(30);

        RecordingConnection second = new RecordingConnection();
        SessionManager.Opened opened = connect("c1", false, 120, second);
        assertThat(opened.sessionPresent()).isTrue();
        assertThat(opened.session()).isSameAs(s);
        assertThat(opened.session().expiryIntervalSeconds()).isEqualTo(120);
        assertThat(second.publishedTopics()).containsExactly("t");
        timers.advanceSeconds(60);
        assertThat(events.ended).as("expiry timer cancelled by the resume").isEmpty();
        assertThat(store.get("c1")).isSameAs(s);
    }

    @Test
    void cleanStartDiscardsTheOldSessionAndReportsItEnded() {
        // [MQTT-3.1.2-4]: Clean Start 1 discards any existing session; Session Present 0 [MQTT-3.2.2-2].
        RecordingConnection first = new RecordingConnection();
        Session old = connect("c1", false, 600, first).session();
        manager.closed(old, first, null, false);

        SessionManager.Opened opened = connect("c1", true, 0, new RecordingConnection());
        assertThat(opened.sessionPresent()).isFalse();
        assertThat(opened.session()).isNotSameAs(old);
        assertThat(events.ended).containsExactly("c1");
        assertThat(store.get("c1")).isSameAs(opened.session());
        timers.advanceSeconds(601);
        assertThat(events.ended).as("old session's expiry timer does not end the new session").containsExactly("c1");
        assertThat(store.get("c1")).isSameAs(opened.session());
    }

    @Test
    void cleanStartPublishesTheOldSessionsDelayedWillBecauseThatSessionEnds() {
        // [MQTT-3.1.2-8]: the will is published when the session ends, if that is before the will delay.
        RecordingConnection first = new RecordingConnection();
        Session old = connect("c1", false, 600, first).session();
        manager.closed(old, first, will("w/old", 300), false);
        assertThat(events.wills).isEmpty();

        connect("c1", true, 0, new RecordingConnection());
        assertThat(willTopics()).containsExactly("w/old");
        timers.advanceSeconds(301);
        assertThat(willTopics()).as("published once").containsExactly("w/old");
    }

    @Test
    void connectWithTheIdOfAConnectedClientClosesTheOldConnectionForTakeover() {
        // [MQTT-3.1.4-3]: the existing connection is closed (v5 DISCONNECT 0x8E is the connection's job).
        RecordingConnection first = new RecordingConnection();
        Session s = connect("c1", false, 60, first).session();
        RecordingConnection second = new RecordingConnection();
        SessionManager.Opened opened = connect("c1", false, 60, second);
        assertThat(first.takeovers()).isEqualTo(1);
        assertThat(second.takeovers()).isZero();
        assertThat(opened.sessionPresent()).isTrue();
        assertThat(opened.session()).isSameAs(s);
        assertThat(s.connection()).isSameAs(second);

        // The old connection's channelInactive arrives later: it must not detach the new one.
        manager.closed(s, first, null, true);
        assertThat(s.connection()).isSameAs(second);
        assertThat(events.ended).isEmpty();
        assertThat(timers.pendingTasks()).isZero();
    }

    @Test
    void takeoverWithCleanStartClosesTheOldConnectionAndStartsAFreshSession() {
        RecordingConnection first = new RecordingConnection();
        Session old = connect("c1", false, 60, first).session();
        SessionManager.Opened opened = connect("c1", true, 60, new RecordingConnection());
        assertThat(first.takeovers()).isEqualTo(1);
        assertThat(opened.sessionPresent()).isFalse();
        assertThat(opened.session()).isNotSameAs(old);
        assertThat(events.ended).containsExactly("c1");
    }

    // ------------------------------------------------------------------ wills

    @Test
    void willWithoutDelayIsPublishedAtOnceOnClose() {
        // [MQTT-3.1.2-8]: connection closed without DISCONNECT 0x00 -> will published.
        RecordingConnection c = new RecordingConnection();
        Session s = connect("c1", false, 60, c).session();
        timers.advanceSeconds(5);
        manager.closed(s, c, will("w", 0), false);
        assertThat(willTopics()).containsExactly("w");
        assertThat(events.wills.get(0).receivedAtNanos()).as("expiry counts from publication")
                .isEqualTo(timers.nanoTime());
    }

    @Test
    void closeWithoutWillPublishesNothing() {
        // [MQTT-3.1.2-10]: after a normal DISCONNECT the connection hands in no will.
        RecordingConnection c = new RecordingConnection();
        Session s = connect("c1", false, 60, c).session();
        manager.closed(s, c, null, false);
        timers.advanceSeconds(120);
        assertThat(events.wills).isEmpty();
    }

    @Test
    void delayedWillIsPublishedWhenTheDelayPasses() {
        // [MQTT-3.1.3-9]: published after the Will Delay Interval.
        RecordingConnection c = new RecordingConnection();
        Session s = connect("c1", false, 600, c).session();
        manager.closed(s, c, will("w", 30), false);
        timers.advanceSeconds(29);
        assertThat(events.wills).isEmpty();
        timers.advanceSeconds(1);
        assertThat(willTopics()).containsExactly("w");
        assertThat(events.ended).as("session lives on until its own expiry").isEmpty();
    }

    @Test
    void resumingWithinTheWillDelayCancelsTheWill() {
        // [MQTT-3.1.3-9]: a new connection to the session before the delay passes -> no will.
        RecordingConnection c = new RecordingConnection();
        Session s = connect("c1", false, 600, c).session();
        manager.closed(s, c, will("w", 30), false);
        timers.advanceSeconds(10);
        connect("c1", false, 600, new RecordingConnection());
        timers.advanceSeconds(60);
        assertThat(events.wills).isEmpty();
    }

    @Test
    void sessionExpiryShorterThanWillDelayPublishesTheWillWhenTheSessionEnds() {
        // [MQTT-3.1.2-8]: will delay or session end, whichever comes first.
        RecordingConnection c = new RecordingConnection();
        Session s = connect("c1", false, 10, c).session();
        manager.closed(s, c, will("w", 300), false);
        timers.advanceSeconds(9);
        assertThat(events.wills).isEmpty();
        timers.advanceSeconds(1);
        assertThat(willTopics()).containsExactly("w");
        assertThat(events.ended).containsExactly("c1");
        assertThat(store.get("c1")).isNull();
        timers.advanceSeconds(300);
        assertThat(willTopics()).as("published once").containsExactly("w");
    }

    @Test
    void sessionExpiryZeroEndsTheSessionAtCloseAndPublishesAnyWillAtOnce() {
        // [MQTT-3.1.2-8], v5 Session Expiry Interval 0: the session ends with the connection.
        RecordingConnection c = new RecordingConnection();
        Session s = connect("c1", true, 0, c).session();
        manager.closed(s, c, will("w", 60), false);
        assertThat(willTopics()).containsExactly("w");
        assertThat(events.ended).containsExactly("c1");
        assertThat(store.get("c1")).isNull();
        assertThat(timers.pendingTasks()).isZero();
    }

    @Test
    void sessionExpiresAfterItsIntervalWhenNobodyReconnects() {
        RecordingConnection c = new RecordingConnection();
        Session s = connect("c1", false, 60, c).session();
        manager.closed(s, c, null, false);
        timers.advanceSeconds(59);
        assertThat(events.ended).isEmpty();
        timers.advanceSeconds(1);
        assertThat(events.ended).containsExactly("c1");
        assertThat(store.get("c1")).isNull();
    }

    @Test
    void takenOverConnectionDoesNotPublishADelayedWill() {
        // [MQTT-3.1.3-9]: the new connection arrived within the delay.
        RecordingConnection first = new RecordingConnection();
        Session s = connect("c1", false, 600, first).session();
        connect("c1", false, 600, new RecordingConnection());
        manager.closed(s, first, will("w", 30), true);
        timers.advanceSeconds(120);
        assertThat(events.wills).isEmpty();
    }

    /**
     * SUSPECTED BUG (reported, not fixed here): with Clean Start 1 the takeover ends the old session in
     * {@code open} (before the old connection has handed in its will), then {@code closed(takenOver=true)} drops a
     * will with a delay. v5 3.1.2.5: the will is due when the delay passes or the session ends, whichever is first;
     * the old session has ended, and [MQTT-3.1.3-9] only cancels it for a new connection to <em>this</em> session.
     */
    @Test
    void takeoverWithCleanStartPublishesTheOldConnectionsDelayedWill() {
        RecordingConnection first = new RecordingConnection();
        Session old = connect("c1", false, 600, first).session();
        connect("c1", true, 600, new RecordingConnection());
        assertThat(events.ended).containsExactly("c1");
        manager.closed(old, first, will("w", 30), true);
        timers.advanceSeconds(60);
        assertThat(willTopics()).containsExactly("w");
    }

    @Test
    void takenOverConnectionPublishesAnUndelayedWill() {
        // Takeover is not a normal DISCONNECT: a will with delay 0 is published [MQTT-3.1.4-3] / spec 3.1.2.5.
        RecordingConnection first = new RecordingConnection();
        Session s = connect("c1", false, 600, first).session();
        connect("c1", false, 600, new RecordingConnection());
        manager.closed(s, first, will("w", 0), true);
        assertThat(willTopics()).containsExactly("w");
    }

    @Test
    void shuttingDownPublishesNoWillAndStartsNoTimers() {
        RecordingConnection a = new RecordingConnection();
        RecordingConnection b = new RecordingConnection();
        Session sa = connect("a", false, 600, a).session();
        Session sb = connect("b", false, 0, b).session();
        manager.shuttingDown();
        manager.closed(sa, a, will("w/a", 0), false);
        manager.closed(sb, b, will("w/b", 30), false);
        assertThat(timers.pendingTasks()).isZero();
        timers.advanceSeconds(3600);
        assertThat(events.wills).isEmpty();
        assertThat(events.ended).isEmpty();
    }

    /**
     * No wills at all once the node is stopping, including one whose delay timer fires during the shutdown grace
     * period. Here the delay is min(300, expiry 10) = 10 s, so the timer path, not session end, would publish it.
     */
    @Test
    void shuttingDownAlsoSuppressesAWillAlreadyWaitingOutItsDelay() {
        RecordingConnection c = new RecordingConnection();
        Session s = connect("c1", false, 10, c).session();
        manager.closed(s, c, will("w", 300), false);
        manager.shuttingDown();
        timers.advanceSeconds(10); // session expiry ends the session: its pending will is not published
        assertThat(events.wills).isEmpty();
    }

    // ------------------------------------------------------------------ shared subscriptions

    @Test
    void unacknowledgedSharedMessagesAreHandedToRedistributeSharedOnClose() {
        // [MQTT-4.8.2-6]: another member of the group gets them.
        RecordingConnection c = new RecordingConnection();
        Session s = connect("c1", false, 600, c).session();
        s.deliver(new OutboundMessage(new PublishMessage("s/1", 1, false, new byte[0], null, "p", timers.nanoTime()),
                null, "g/s/#"));
        s.deliver(new OutboundMessage(new PublishMessage("own", 1, false, new byte[0], null, "p", timers.nanoTime()),
                null, null));
        manager.closed(s, c, null, false);
        assertThat(events.redistributedFrom).containsExactly("c1");
        assertThat(events.redistributed.get(0)).extracting(m -> m.message().topic()).containsExactly("s/1");
        assertThat(s.inflightCount()).as("non-shared message stays for redelivery").isEqualTo(1);
    }

    @Test
    void closeWithoutSharedMessagesDoesNotCallRedistributeShared() {
        RecordingConnection c = new RecordingConnection();
        Session s = connect("c1", false, 600, c).session();
        manager.closed(s, c, null, false);
        assertThat(events.redistributed).isEmpty();
    }
}
