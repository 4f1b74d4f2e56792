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
     * @param owner the connecting principal ({@code ""} anonymous), or null when sessions have no owners; a node
     *              holding the session for another owner releases nothing and refuses the claim
     * @return completes once the session, if any, is here (with clean start at once); exceptionally with
     *         {@link OwnedByAnother} only when a node refused the claim
     */
    CompletableFuture<Void> claim(String clientId, String owner, boolean cleanStart);

    ClientRegistry LOCAL = (clientId, owner, cleanStart) -> CompletableFuture.completedFuture(null);

    /** Another node holds the client id's session for another principal. */
    final class OwnedByAnother extends RuntimeException {
        public OwnedByAnother(String clientId, String node) {
            super("client id " + clientId + " belongs to another principal's session on node " + node, null, false,
                    false);
        }
    }
}
