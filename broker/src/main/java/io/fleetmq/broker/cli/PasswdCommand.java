package io.fleetmq.broker.cli;

import io.fleetmq.broker.auth.PasswordFile;
import io.fleetmq.broker.auth.PasswordHash;
import io.fleetmq.broker.files.FileFormatException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code fleetmq passwd FILE USER}: adds or changes a user in a password file (PBKDF2-HMAC-SHA256, random salt).
 * On a terminal it prompts twice; otherwise it reads the password from the first line of standard input, so it can
 * be scripted ({@code printf '%s\n' "$PW" | ./fleetmq passwd ...}). The file is replaced atomically with mode 600;
 * a running broker picks up the change within {@code auth.reloadInterval}.
 */
@Command(name = "passwd", mixinStandardHelpOptions = true,
        description = "Add or change a user in a password file (prompts, or reads the password from stdin).")
public final class PasswdCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "FILE", description = "Password file (created when missing).")
    Path file;

    @Parameters(index = "1", paramLabel = "USER", description = "User name: letters, digits and . _ @ + -")
    String user;

    @Option(names = "--delete", description = "Remove USER instead of setting a password.")
    boolean delete;

    @Option(names = "--iterations", paramLabel = "N", defaultValue = "" + PasswordHash.DEFAULT_ITERATIONS,
            description = "PBKDF2 iterations (default ${DEFAULT-VALUE}; at least 1000).")
    int iterations;

    @Spec
    CommandSpec spec;

    private final InputStream stdin;
    private final Console console;

    /** The real thing: the process's terminal or standard input. */
    public PasswdCommand() {
        this(System.in, System.console());
    }

    /** For tests: a given standard input and no terminal. */
    PasswdCommand(InputStream stdin, Console console) {
        this.stdin = stdin;
        this.console = console;
    }

    @Override
    public Integer call() throws IOException {
        PrintWriter err = spec.commandLine().getErr();
        if (!PasswordFile.isValidUser(user)) {
            err.println("fleetmq passwd: user name must be 1-256 of letters, digits and . _ @ + -, got '" + user + "'");
            return FleetMqCli.BAD_INPUT;
        }
        if (iterations < 1_000) {
            err.println("fleetmq passwd: --iterations must be at least 1000, got " + iterations);
            return FleetMqCli.BAD_INPUT;
        }
        Map<String, PasswordHash> users = new LinkedHashMap<>();
        if (Files.exists(file)) {
            try {
                users.putAll(PasswordFile.read(file).users());
            } catch (FileFormatException e) {
                err.println("fleetmq passwd: " + e.getMessage());
                return FleetMqCli.BAD_INPUT;
            }
        }
        if (delete) {
            if (users.remove(user) == null) {
                err.println("fleetmq passwd: no user '" + user + "' in " + file);
                return FleetMqCli.BAD_INPUT;
            }
        } else {
            char[] password = readPassword(err);
            if (password == null) {
                return FleetMqCli.BAD_INPUT;
            }
            try {
                users.put(user, PasswordHash.create(password, iterations));
            } finally {
                Arrays.fill(password, '\0');
            }
        }
        write(PasswordFile.render(users));
        spec.commandLine().getOut().println((delete ? "removed " : "set password for ") + user + " in " + file);
        spec.commandLine().getOut().flush();
        return FleetMqCli.OK;
    }

    private char[] readPassword(PrintWriter err) throws IOException {
        char[] pw;
        if (console != null) {
            pw = console.readPassword("Password for %s: ", user);
            char[] again = console.readPassword("Again: ");
            if (pw == null || again == null || !Arrays.equals(pw, again)) {
                err.println("fleetmq passwd: the passwords differ");
                return null;
            }
            Arrays.fill(again, '\0');
        } else {
            String line = new BufferedReader(new InputStreamReader(stdin, StandardCharsets.UTF_8)).readLine();
            pw = line == null ? null : line.toCharArray();
        }
        if (pw == null || pw.length == 0) {
            err.println("fleetmq passwd: empty password (give it on standard input or at the prompt)");
            return null;
        }
        return pw;
    }

    private void write(String content) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = Files.createTempFile(dir, ".passwd", ".tmp");
        try {
            try {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system: the default permissions stay
            }
            Files.writeString(tmp, content, StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
