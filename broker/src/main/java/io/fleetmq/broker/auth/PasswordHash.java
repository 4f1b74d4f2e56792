package io.fleetmq.broker.auth;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;

/**
 * A salted, slow password hash: PBKDF2 with HMAC-SHA256 or -SHA512 (JDK built in), written as
 * {@code pbkdf2-sha256:ITERATIONS:SALT:HASH} with base64 salt and hash. The iteration count is stored per entry so it
 * can be raised for new passwords without invalidating old ones.
 */
public record PasswordHash(String algorithm, int iterations, byte[] salt, byte[] hash) {

    /**
     * Below OWASP's 600,000 for PBKDF2-HMAC-SHA256 on purpose: every device reconnect pays this, and 100,000 costs
     * about 70 ms of one core (measured here), so a node can still re-admit a few thousand password clients a
     * minute after a restart. {@code fleetmq passwd --iterations} raises it per entry.
     */
    public static final int DEFAULT_ITERATIONS = 100_000;
    private static final int SALT_BYTES = 16;
    private static final int HASH_BYTES = 32;

    public static PasswordHash create(char[] password, int iterations) {
        byte[] salt = new byte[SALT_BYTES];
        new SecureRandom().nextBytes(salt);
        return new PasswordHash("pbkdf2-sha256", iterations, salt, derive("pbkdf2-sha256", password, salt,
                iterations, HASH_BYTES));
    }

    /**
     * Parses {@code pbkdf2-sha256:ITERATIONS:SALT:HASH}.
     *
     * @throws IllegalArgumentException naming what is wrong (never echoing the hash)
     */
    public static PasswordHash parse(String s) {
        String[] f = s.split(":", -1);
        if (f.length != 4) {
            throw new IllegalArgumentException("expected ALGORITHM:ITERATIONS:SALT:HASH after the user name");
        }
        if (!f[0].equals("pbkdf2-sha256") && !f[0].equals("pbkdf2-sha512")) {
            throw new IllegalArgumentException("unknown hash algorithm '" + f[0]
                    + "' (expected pbkdf2-sha256 or pbkdf2-sha512)");
        }
        int iterations;
        try {
            iterations = Integer.parseInt(f[1]);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("iteration count is not a number");
        }
        if (iterations < 1_000) {
            throw new IllegalArgumentException("iteration count " + iterations + " is below 1000");
        }
        byte[] salt;
        byte[] hash;
        try {
            salt = Base64.getDecoder().decode(f[2]);
            hash = Base64.getDecoder().decode(f[3]);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("salt or hash is not valid base64");
        }
        if (salt.length < 8 || hash.length < 16) {
            throw new IllegalArgumentException("salt or hash too short");
        }
        return new PasswordHash(f[0], iterations, salt, hash);
    }

    /** Constant-time comparison of the derived key with the stored one. */
    public boolean matches(byte[] passwordUtf8) {
        CharBuffer chars = StandardCharsets.UTF_8.decode(ByteBuffer.wrap(passwordUtf8));
        char[] pw = new char[chars.remaining()];
        chars.get(pw);
        try {
            return MessageDigest.isEqual(hash, derive(algorithm, pw, salt, iterations, hash.length));
        } finally {
            Arrays.fill(pw, '\0');
        }
    }

    public String format() {
        Base64.Encoder b = Base64.getEncoder().withoutPadding();
        return algorithm + ":" + iterations + ":" + b.encodeToString(salt) + ":" + b.encodeToString(hash);
    }

    private static byte[] derive(String algorithm, char[] password, byte[] salt, int iterations, int bytes) {
        String jca = algorithm.equals("pbkdf2-sha512") ? "PBKDF2WithHmacSHA512" : "PBKDF2WithHmacSHA256";
        PBEKeySpec spec = new PBEKeySpec(password, salt, iterations, bytes * 8);
        try {
            return SecretKeyFactory.getInstance(jca).generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(jca + " unavailable", e);
        } finally {
            spec.clearPassword();
        }
    }
}
