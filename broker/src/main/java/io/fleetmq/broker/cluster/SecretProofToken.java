package io.fleetmq.broker.cluster;

import org.jgroups.Message;
import org.jgroups.auth.AuthToken;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.security.MessageDigest;

/**
 * The token JGroups' AUTH checks on every JOIN and MERGE request: a proof derived from the cluster secret
 * ({@link ClusterSecret#joinProof()}). The coordinator admits a node only when its proof equals its own, compared in
 * constant time. The proof never travels in clear: AUTH sits above {@link AeadSymEncrypt}.
 * <p>
 * JGroups creates the received copy by reflection (public no-argument constructor); that copy only carries bytes.
 */
public final class SecretProofToken extends AuthToken {
    private static final int MAX_PROOF_BYTES = 64;
    private byte[] proof = new byte[0];

    public SecretProofToken() {
    }

    SecretProofToken(byte[] proof) {
        this.proof = proof.clone();
    }

    @Override
    public String getName() {
        return SecretProofToken.class.getName();
    }

    @Override
    public int size() {
        return Short.BYTES + proof.length;
    }

    @Override
    public boolean authenticate(AuthToken token, Message msg) {
        boolean ok = token instanceof SecretProofToken other && proof.length > 0
                && MessageDigest.isEqual(proof, other.proof);
        if (!ok) {
            log.warn("refused node %s: it does not hold this cluster's secret", msg.getSrc());
        }
        return ok;
    }

    @Override
    public void writeTo(DataOutput out) throws IOException {
        out.writeShort(proof.length);
        out.write(proof);
    }

    @Override
    public void readFrom(DataInput in) throws IOException {
        int n = in.readShort();
        if (n < 0 || n > MAX_PROOF_BYTES) {
            throw new IOException("join proof of " + n + " bytes");
        }
        proof = new byte[n];
        in.readFully(proof);
    }
}
