package io.fleetmq.image.cli;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * What the CLI takes from its surroundings, read once in {@link ImageCli#main} and passed in, so tests can give
 * their own: the repository root (roles, broker/target), the user's home (default cache), the JDK (for jlink) and
 * the environment.
 */
public record CliContext(Path home, Path userHome, Path javaHome, Map<String, String> env) {

    public CliContext {
        Objects.requireNonNull(home, "home");
        Objects.requireNonNull(userHome, "userHome");
        Objects.requireNonNull(javaHome, "javaHome");
        env = Map.copyOf(env);
    }

    public static CliContext fromSystem() {
        String home = System.getProperty("fleetmq.home", System.getenv().getOrDefault("FLEETMQ_HOME", "."));
        return new CliContext(Path.of(home).toAbsolutePath().normalize(), Path.of(System.getProperty("user.home")),
                Path.of(System.getProperty("java.home")), System.getenv());
    }

    public Path defaultRoles() {
        return home.resolve("ansible-roles");
    }

    public Path defaultCache() {
        String xdg = env.get("XDG_CACHE_HOME");
        return (xdg != null && !xdg.isBlank() ? Path.of(xdg) : userHome.resolve(".cache")).resolve("fleetmq");
    }

    public Path brokerTarget() {
        return home.resolve("broker/target");
    }
}
