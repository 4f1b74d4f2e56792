package io.fleetmq.broker.auth;

import io.fleetmq.broker.files.FileFormatException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The password file: one {@code USER:pbkdf2-sha256:ITERATIONS:SALT:HASH} line per user; blank lines and lines
 * starting with {@code #} are ignored. Immutable once read.
 */
public final class PasswordFile {
    /** User names are MQTT UTF-8 strings in general; this file keeps to a safe, colon-free subset. */
    private static final Pattern USER = Pattern.compile("[A-Za-z0-9._@+-]{1,256}");

    private final Map<String, PasswordHash> users;
    private final PasswordHash decoy;

    private PasswordFile(Map<String, PasswordHash> users) {
        this.users = Collections.unmodifiableMap(users);
        this.decoy = decoyFor(users.values());
    }

    /**
     * A hash no password matches, with the algorithm, iteration count and lengths most entries of this file use.
     * Checking an unknown user's password against it costs what checking a known user's costs, so the answer time
     * does not tell an attacker which user names exist.
     */
    public PasswordHash decoy() {
        return decoy;
    }

    private static PasswordHash decoyFor(Collection<PasswordHash> hashes) {
        record Shape(String algorithm, int iterations, int saltBytes, int hashBytes) {
        }
        Map<Shape, Integer> counts = new HashMap<>();
        for (PasswordHash h : hashes) {
            counts.merge(new Shape(h.algorithm(), h.iterations(), h.salt().length, h.hash().length), 1, Integer::sum);
        }
        Shape common = counts.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey)
                .orElse(new Shape("pbkdf2-sha256", PasswordHash.DEFAULT_ITERATIONS, 16, 32));
        SecureRandom random = new SecureRandom();
        byte[] salt = new byte[common.saltBytes()];
        byte[] hash = new byte[common.hashBytes()];
        random.nextBytes(salt);
        random.nextBytes(hash); // random bytes: no password derives to them
        return new PasswordHash(common.algorithm(), common.iterations(), salt, hash);
    }

    public static PasswordFile read(Path file) throws FileFormatException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new FileFormatException("cannot read password file " + file + ": " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " " + e.getMessage()));
        }
        Map<String, PasswordHash> users = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String where = "password file " + file + " line " + (i + 1) + ": ";
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new FileFormatException(where + "expected USER:pbkdf2-sha256:ITERATIONS:SALT:HASH");
            }
            String user = line.substring(0, colon);
            if (!USER.matcher(user).matches()) {
                throw new FileFormatException(where + "user name must be 1-256 of letters, digits and . _ @ + -");
            }
            PasswordHash hash;
            try {
                hash = PasswordHash.parse(line.substring(colon + 1));
            } catch (IllegalArgumentException e) {
                throw new FileFormatException(where + "user '" + user + "': " + e.getMessage());
            }
            if (users.put(user, hash) != null) {
                throw new FileFormatException(where + "user '" + user + "' appears twice");
            }
        }
        return new PasswordFile(users);
    }

    public static boolean isValidUser(String user) {
        return USER.matcher(user).matches();
    }

    /** The hash of {@code user}, or null when the file has no such user. */
    public PasswordHash hashOf(String user) {
        return users.get(user);
    }

    public Map<String, PasswordHash> users() {
        return users;
    }

    /** The file's text for {@code users}, in the given order. */
    public static String render(Map<String, PasswordHash> users) {
        StringBuilder sb = new StringBuilder("# FleetMQ password file: USER:pbkdf2-sha256:ITERATIONS:SALT:HASH\n"
                + "# Managed with: ./fleetmq passwd FILE USER\n");
        users.forEach((u, h) -> sb.append(u).append(':').append(h.format()).append('\n'));
        return sb.toString();
    }
}
