package io.fleetmq.broker.cluster;

import org.jgroups.Message;
import org.jgroups.conf.ClassConfigurator;
import org.jgroups.protocols.EncryptHeader;
import org.jgroups.protocols.SYM_ENCRYPT;
import org.jgroups.util.Util;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.security.Key;
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
 * IVs are 96 random bits per message, so one key must seal fewer than about 2^32 messages (NIST SP 800-38D):
 * rotate the secret (a rolling restart with a new {@code cluster.secretFile}) long before that.
 */
final class AeadSymEncrypt extends SYM_ENCRYPT {
    /** JGroups keys message headers by protocol id; ids up to 1000 are JGroups' own. */
    static final short PROTOCOL_ID = 1501;
    private static final int TAG_BITS = 128;

    static {
        ClassConfigurator.addProtocol(PROTOCOL_ID, AeadSymEncrypt.class);
    }

    AeadSymEncrypt(byte[] key) {
        symAlgorithm("AES/GCM/NoPadding");
        symKeylength(256);
        symIvLength(12);
        setSecretKey(new SecretKeySpec(key, "AES"));
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
        if (!msg.hasPayload() || hdr.iv() == null || hdr.iv().length != 12) {
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
