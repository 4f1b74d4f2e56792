package io.fleetmq.broker.it.security;

import io.fleetmq.broker.auth.PasswordFile;
import io.fleetmq.broker.auth.PasswordHash;
import io.fleetmq.broker.testing.TestPki;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Writes password files the way {@code fleetmq passwd} does, with a low iteration count to keep tests fast. */
public final class Passwords {
    /** The lowest count the password file accepts: real hashing, test-suite speed. */
    static final int TEST_ITERATIONS = 1_000;

    private Passwords() {
    }

    /** {@code userAndPassword}: user1, password1, user2, password2, ... */
    public static Path write(Path file, String... userAndPassword) throws IOException {
        Map<String, PasswordHash> users = new LinkedHashMap<>();
        for (int i = 0; i < userAndPassword.length; i += 2) {
            users.put(userAndPassword[i], PasswordHash.create(userAndPassword[i + 1].toCharArray(), TEST_ITERATIONS));
        }
        TestPki.replace(file, PasswordFile.render(users));
        return file;
    }
}
