package io.fleetmq.broker.session;

import java.util.concurrent.CompletableFuture;

/**
 * Where a client id is live. On a single node that is simply this node ({@link #LOCAL}); in a cluster a client id is
 * live on one node at a time, so a CONNECT first claims it from the other nodes, which close their connection for
 * it and, for a resumed session, hand the session over.
 */
public interface ClientRegistry {

    /**
     * Claims {@code clientId} for this node before its CONNECT is accepted.
     *
     * @return completes (never exceptionally) once the session, if any, is here; with clean start at once
     */
    CompletableFuture<Void> claim(String clientId, boolean cleanStart);

    ClientRegistry LOCAL = (clientId, cleanStart) -> CompletableFuture.completedFuture(null);
}
