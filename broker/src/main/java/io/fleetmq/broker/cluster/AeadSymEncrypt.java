package io.fleetmq.broker.cluster;

import org.jgroups.Message;
import org.jgroups.conf.ClassConfigurator;
import org.jgroups.protocols.EncryptHeader;
import org.jgroups.protocols.SYM_ENCRYPT;
import org.jgroups.util.Util;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.security.Key;
import java.security.SecureRandom;
import java.util.concurrent.BlockingQueue;

/**
 * JGroups' SYM_ENCRYPT with AES-256-GCM, an authenticated cipher: a message that was not sealed with the cluster's
 * key, or was changed on the way, fails its tag check and is dropped, instead of decrypting to garbage as with the
 * default AES/CBC. SYM_ENCRYPT initialises ciphers with an {@code IvParameterSpec}, which the JDK's GCM refuses, so
 * this subclass only replaces how a cipher is initialised ({@link GCMParameterSpec}, 128-bit tag); key versions,
 * cipher pools and the header stay JGroups'.
 * <p>
 * {@code SERIALIZE} sits directly above, so every message, headers included, is a payload here: a message without a
 * payload cannot be authenticated and is dropped (SYM_ENCRYPT would pass it up as it is).
 * <p>
 * GCM must never see the same IV twice under one key, and the key lives as long as the secret. Random 96-bit IVs
 * would cap a key at about 2^32 messages (NIST SP 800-38D, 8.3), days for a busy cluster. So an IV is a random 64-bit
 * prefix drawn when this node starts plus a 32-bit message counter, with a new random prefix every 2^32 messages
 * (the deterministic construction of SP 800-38D, 8.2.1, with a random fixed field): IVs repeat only if two of these
 * 64-bit prefixes collide.
 */
final class AeadSymEncrypt extends SYM_ENCRYPT {
    /** JGroups keys message headers by protocol id; ids up to 1000 are JGroups' own. */
    static final short PROTOCOL_ID = 1501;
    private static final int TAG_BITS = 128;
    private static final int IV_BYTES = 12;

    static {
        ClassConfigurator.addProtocol(PROTOCOL_ID, AeadSymEncrypt.class);
    }

    private final SecureRandom random = new SecureRandom();
    private long ivPrefix = random.nextLong();
    private long ivCounter;

    AeadSymEncrypt(byte[] key) {
        symAlgorithm("AES/GCM/NoPadding");
        symKeylength(256);
        symIvLength(IV_BYTES);
        setSecretKey(new SecretKeySpec(key, "AES"));
    }

    @Override
    protected synchronized byte[] makeIv() {
        if (ivCounter == 1L << 32) {
            ivPrefix = random.nextLong();
            ivCounter = 0;
        }
        return ByteBuffer.allocate(IV_BYTES).putLong(ivPrefix).putInt((int) ivCounter++).array();
    }

    @Override
    protected byte[] code(byte[] buf, int offset, int length, byte[] iv, boolean decode) throws Exception {
        BlockingQueue<Cipher> queue = decode ? decoding_ciphers : encoding_ciphers;
        Cipher cipher = queue.take();
        try {
            cipher.init(decode ? Cipher.DECRYPT_MODE : Cipher.ENCRYPT_MODE, secret_key,
                    new GCMParameterSpec(TAG_BITS, iv));
            return cipher.doFinal(buf, offset, length);
        } finally {
            queue.offer(cipher);
        }
    }

    @Override
    protected Message _decrypt(Cipher cipher, Key key, Message msg, EncryptHeader hdr) throws Exception {
        if (!msg.hasPayload() || hdr.iv() == null || hdr.iv().length != IV_BYTES) {
            return null; // nothing sealed: cannot come from a node holding the key
        }
        byte[] plain;
        if (cipher == null) {
            plain = code(msg.getArray(), msg.getOffset(), msg.getLength(), hdr.iv(), true);
        } else {
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, hdr.iv()));
            plain = cipher.doFinal(msg.getArray(), msg.getOffset(), msg.getLength());
        }
        if (hdr.needsDeserialization()) {
            return Util.messageFromBuffer(plain, 0, plain.length);
        }
        return msg.setArray(plain, 0, plain.length);
    }
}
