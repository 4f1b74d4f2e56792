package io.fleetmq.broker.cluster.local;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The secret of a local cluster ({@code cluster.secretFile} of each of its nodes): 48 random bytes, base64, in
 * {@code cluster.secret} in the cluster directory, created with mode 0600 so only its owner can read it (it is never
 * world-readable, not even for a moment). A later {@code up} of the same cluster directory reuses it.
 */
final class LocalClusterSecret {
    static final String FILE = "cluster.secret";

    private LocalClusterSecret() {
    }

    /** The secret file; {@code created} says whether this call made it. */
    record Secret(Path file, boolean created) {
    }

    static Secret ensure(Path dir) throws IOException {
        Path file = dir.resolve(FILE);
        if (Files.exists(file)) {
            return new Secret(file, false);
        }
        byte[] random = new byte[48];
        new SecureRandom().nextBytes(random);
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (FileAlreadyExistsException e) {
            return new Secret(file, false); // another 'up' made it a moment ago
        }
        try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.WRITE)) {
            out.write((Base64.getEncoder().encodeToString(random) + "\n").getBytes(StandardCharsets.US_ASCII));
        }
        return new Secret(file, true);
    }
}
