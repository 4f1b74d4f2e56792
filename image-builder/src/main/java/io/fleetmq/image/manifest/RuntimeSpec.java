package io.fleetmq.image.manifest;

import java.util.List;
import java.util.Objects;

/** Where the image's Java runtime comes from. */
public sealed interface RuntimeSpec {

    /** Path of the {@code java} binary inside the image. */
    String javaBinary();

    /**
     * {@code runtime.jlink}: a runtime made with jlink from the building JDK, added as its own layer at
     * {@code javaHome}. jlink output is the same bytes for the same JDK and module list.
     */
    record Jlink(List<String> modules, String javaHome) implements RuntimeSpec {
        public Jlink {
            modules = List.copyOf(modules);
            Objects.requireNonNull(javaHome, "javaHome");
        }

        @Override
        public String javaBinary() {
            return javaHome + "/bin/java";
        }
    }

    /** {@code runtime.base}: the base image already has a JRE (the production JRE image) at {@code javaHome}. */
    record FromBase(String javaHome) implements RuntimeSpec {
        public FromBase {
            Objects.requireNonNull(javaHome, "javaHome");
        }

        @Override
        public String javaBinary() {
            return javaHome + "/bin/java";
        }
    }
}
