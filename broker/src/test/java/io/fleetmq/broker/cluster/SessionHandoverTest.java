package io.fleetmq.broker.cluster;

import io.fleetmq.broker.config.SessionsConfig;
import io.fleetmq.broker.message.PublishMessage;
import io.fleetmq.broker.metrics.BrokerStats;
import io.fleetmq.broker.routing.Subscription;
import io.fleetmq.broker.routing.TopicTreeSubscriptionRegistry;
import io.fleetmq.broker.session.InMemorySessionStore;
import io.fleetmq.broker.session.OutboundMessage;
import io.fleetmq.broker.session.SessionManager;
import io.fleetmq.broker.session.SessionState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which claim replies node B accepts, driven frame by frame: only for its own claim, for the same client, from a node
 * it asked or that an asked node named; in either order of the two replies; and after the timeout too.
 */
class SessionHandoverTest {
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();
    private final InMemorySessionStore store = new InMemorySessionStore();
    private final SessionManager sessions = new SessionManager(store, new SessionsConfig(3600, 10, 100, false),
            new BrokerStats(), timers, System::nanoTime);
    private final List<ClusterFrame> sent = new CopyOnWriteArrayList<>();

    private SessionHandover handover(Duration takeoverTimeout) {
        return new SessionHandover(sessions, new TopicTreeSubscriptionRegistry(), new SessionHandover.Peers() {
            @Override
            public String localName() {
                return "B";
            }

            @Override
            public List<String> otherMembers() {
                return List.of("A", "C");
            }

            @Override
            public void send(String node, ClusterFrame frame) {
                sent.add(frame);
            }
        }, timers, takeoverTimeout);
    }

    @AfterEach
    void stop() {
        timers.shutdownNow();
    }

    private static SessionState session(String clientId, String... queued) {
        List<OutboundMessage> messages = new java.util.ArrayList<>();
        for (String q : queued) {
            messages.add(new OutboundMessage(new PublishMessage("cmd/" + clientId, 1, false,
                    q.getBytes(StandardCharsets.UTF_8), null, "", System.nanoTime()), List.of(), null));
        }
        return new SessionState(clientId, 3600, List.of(Subscription.of("cmd/" + clientId, 1)), List.of(), messages,
                List.of(), 0);
    }

    private long requestIdOfLastClaim() {
        for (int i = sent.size() - 1; i >= 0; i--) {
            if (sent.get(i) instanceof ClusterFrame.ClaimRequest r) {
                return r.requestId();
            }
        }
        throw new AssertionError("no claim sent");
    }

    @Test
    void theSessionFromTheNodeItMovedToIsAcceptedEvenWhenItArrivesBeforeTheReplyNamingThatNode() {
        SessionHandover b = handover(Duration.ofSeconds(30));
        CompletableFuture<Void> done = b.claim("dev-1", null, false);
        long id = requestIdOfLastClaim();
        b.onClaimReply("C", new ClusterFrame.ClaimReply(id, "dev-1", null, ""));
        // A handed the session to D a moment ago and passed the claim on; D answers before A's reply arrives.
        b.onClaimReply("D", new ClusterFrame.ClaimReply(id, "dev-1", session("dev-1", "q0"), ""));
        assertThat(store.get("dev-1")).as("not installed before an asked node names D").isNull();
        b.onClaimReply("A", new ClusterFrame.ClaimReply(id, "dev-1", null, "D"));

        assertThat(done).isCompleted();
        assertThat(store.get("dev-1")).as("D's session installed").isNotNull();
    }

    @Test
    void repliesForAnotherClientForNoClaimOrFromANodeNobodyNamedInstallNothing() {
        SessionHandover b = handover(Duration.ofSeconds(30));
        CompletableFuture<Void> done = b.claim("dev-2", null, false);
        long id = requestIdOfLastClaim();

        b.onClaimReply("A", new ClusterFrame.ClaimReply(id, "dev-2", session("other"), ""));
        b.onClaimReply("A", new ClusterFrame.ClaimReply(id, "other", session("other"), ""));
        b.onClaimReply("A", new ClusterFrame.ClaimReply(id + 100, "dev-2", session("dev-2"), ""));
        b.onClaimReply("X", new ClusterFrame.ClaimReply(id, "dev-2", session("dev-2", "forged"), ""));
        b.onClaimReply("A", new ClusterFrame.ClaimReply(id, "dev-2", null, ""));
        b.onClaimReply("C", new ClusterFrame.ClaimReply(id, "dev-2", null, ""));

        assertThat(done).as("A and C answered").isCompleted();
        assertThat(store.get("dev-2")).as("X was never named: its session is not installed").isNull();
        assertThat(store.get("other")).isNull();
    }

    @Test
    void aSessionArrivingAfterTheTimeoutIsKeptNotDropped() throws Exception {
        SessionHandover b = handover(Duration.ofMillis(20));
        CompletableFuture<Void> done = b.claim("dev-3", null, false);
        long id = requestIdOfLastClaim();
        done.get(5, TimeUnit.SECONDS); // timed out: the CONNECT went on with a new session

        b.onClaimReply("A", new ClusterFrame.ClaimReply(id, "dev-3", session("dev-3", "q0", "q1"), ""));

        assertThat(store.get("dev-3")).as("the late session is installed").isNotNull();
        assertThat(store.get("dev-3").snapshot().queued()).hasSize(2);
        assertThat(sent).anyMatch(f -> f instanceof ClusterFrame.SessionAdopted a && a.clientId().equals("dev-3"));
    }
}
