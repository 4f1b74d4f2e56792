package io.fleetmq.broker.cluster;

import io.fleetmq.broker.config.ClusterConfig;
import io.fleetmq.broker.config.ConfigException;
import io.fleetmq.broker.files.FileFormatException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Optional;

/**
 * The one secret every node of a cluster holds ({@code cluster.secretFile}) and the keys derived from it with
 * HKDF-SHA256 (RFC 5869): the AES-256-GCM key of {@link AeadSymEncrypt} and the join proof of {@link SecretProofToken}.
 * The cluster name goes into both derivations, so two clusters that share a secret by mistake still cannot join or
 * read each other.
 * <p>
 * HKDF is a KDF for secrets that are already random; it does not slow down guessing. So the file must hold random
 * bytes ({@code openssl rand -base64 48}), not a pass phrase, and at least {@link #MIN_BYTES} of them.
 */
public final class ClusterSecret {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterSecret.class);
    /** The shortest secret accepted: 32 bytes, enough for 256 bits when random. */
    public static final int MIN_BYTES = 32;
    private static final byte[] SALT = "fleetmq-cluster-secret/v1".getBytes(StandardCharsets.US_ASCII);

    private final byte[] encryptionKey;
    private final byte[] joinProof;

    private ClusterSecret(byte[] encryptionKey, byte[] joinProof) {
        this.encryptionKey = encryptionKey;
        this.joinProof = joinProof;
    }

    /**
     * The secret this node must use, or empty when it may run without one: only a node whose {@code cluster.bind} is
     * a loopback address may (it warns), every other node refuses to start.
     *
     * @throws ConfigException naming {@code cluster.secretFile} when it is required but not set
     * @throws FileFormatException naming the file when it cannot be read or is too short
     */
    public static Optional<ClusterSecret> forConfig(ClusterConfig config) throws FileFormatException {
        if (!config.secretFile().isEmpty()) {
            return Optional.of(read(Path.of(config.secretFile()), config.name()));
        }
        if (!isLoopback(config.bind())) {
            throw new ConfigException("cluster.secretFile: required when cluster.bind (" + config.bind()
                    + ") is not a loopback address; give every node the same file of at least " + MIN_BYTES
                    + " random bytes, e.g. openssl rand -base64 48");
        }
        LOG.warn("cluster.secretFile not set: node-to-node traffic on {} is neither authenticated nor encrypted, "
                + "any local process can join this cluster", config.bind());
        return Optional.empty();
    }

    /** Reads and checks a secret file; the message names the file, never its content. */
    public static ClusterSecret read(Path file, String clusterName) throws FileFormatException {
        byte[] content;
        try {
            content = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new FileFormatException("cluster.secretFile " + file + ": no such file");
        } catch (IOException | SecurityException e) {
            throw new FileFormatException("cluster.secretFile " + file + ": cannot read: "
                    + e.getClass().getSimpleName());
        }
        byte[] secret = stripTrailingWhitespace(content);
        Arrays.fill(content, (byte) 0);
        if (secret.length < MIN_BYTES) {
            throw new FileFormatException("cluster.secretFile " + file + ": " + secret.length + " bytes, at least "
                    + MIN_BYTES + " random bytes are required (e.g. openssl rand -base64 48 > " + file + ")");
        }
        try {
            return of(secret, clusterName);
        } finally {
            Arrays.fill(secret, (byte) 0);
        }
    }

    /** Derives the keys from the secret's bytes (trailing whitespace already removed). */
    static ClusterSecret of(byte[] secret, String clusterName) {
        byte[] prk = hmac(SALT, secret);
        byte[] encryption = expand(prk, "sym-encrypt/aes-256-gcm/" + clusterName);
        byte[] proof = expand(prk, "auth/join-proof/" + clusterName);
        Arrays.fill(prk, (byte) 0);
        return new ClusterSecret(encryption, proof);
    }

    /** The AES-256 key all nodes encrypt and authenticate every JGroups message with. */
    byte[] encryptionKey() {
        return encryptionKey.clone();
    }

    /** What a joining node shows the coordinator (only ever sent encrypted). */
    byte[] joinProof() {
        return joinProof.clone();
    }

    /** A trailing newline (from {@code echo} or {@code openssl ... > file}) is not part of the secret. */
    private static byte[] stripTrailingWhitespace(byte[] content) {
        int end = content.length;
        while (end > 0 && (content[end - 1] == '\n' || content[end - 1] == '\r' || content[end - 1] == ' '
                || content[end - 1] == '\t')) {
            end--;
        }
        return Arrays.copyOf(content, end);
    }

    private static boolean isLoopback(String bind) {
        try {
            return InetAddress.getByName(bind).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** HKDF-Expand for one 32-byte block (RFC 5869, section 2.3): T(1) = HMAC(PRK, info | 0x01). */
    private static byte[] expand(byte[] prk, String info) {
        byte[] i = info.getBytes(StandardCharsets.UTF_8);
        byte[] input = Arrays.copyOf(i, i.length + 1);
        input[i.length] = 1;
        return hmac(prk, input);
    }

    private static byte[] hmac(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
