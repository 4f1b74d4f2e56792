package io.fleetmq.image.dest;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Where a built image goes: {@code tar:PATH} (docker-save format, {@code docker load}-able), {@code registry:REF}
 * (any OCI registry), {@code ecr:REPO[:TAG]} (Amazon ECR, credentials through the AWS SDK's default chain).
 */
public sealed interface Destination {

    record Tar(Path path) implements Destination {
        public Tar {
            Objects.requireNonNull(path, "path");
        }

        @Override
        public String toString() {
            return "tar:" + path;
        }
    }

    record Registry(String reference) implements Destination {
        public Registry {
            Objects.requireNonNull(reference, "reference");
        }

        @Override
        public String toString() {
            return "registry:" + reference;
        }
    }

    record Ecr(String repository, Optional<String> tag) implements Destination {
        public Ecr {
            Objects.requireNonNull(repository, "repository");
            Objects.requireNonNull(tag, "tag");
        }

        @Override
        public String toString() {
            return "ecr:" + repository + tag.map(t -> ":" + t).orElse("");
        }
    }

    /** Parses {@code --to}; throws IllegalArgumentException with a message fit for the user. */
    static Destination parse(String text) {
        int colon = text.indexOf(':');
        String kind = colon < 0 ? "" : text.substring(0, colon);
        String rest = colon < 0 ? "" : text.substring(colon + 1);
        switch (kind) {
            case "tar" -> {
                if (rest.isBlank()) {
                    throw new IllegalArgumentException("tar: needs a path, e.g. tar:/tmp/broker.tar");
                }
                return new Tar(Path.of(rest));
            }
            case "registry" -> {
                if (!rest.matches("[A-Za-z0-9.\\-]+(:\\d+)?/[a-z0-9]+([._/-][a-z0-9]+)*(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?")) {
                    throw new IllegalArgumentException("registry: needs HOST[:PORT]/REPOSITORY[:TAG], e.g. "
                            + "registry:127.0.0.1:5000/fleetmq/broker:0.1.0, got \"" + rest + "\"");
                }
                return new Registry(rest);
            }
            case "ecr" -> {
                String[] parts = rest.split(":", -1);
                if (parts.length > 2 || !parts[0].matches("[a-z0-9]+([._/-][a-z0-9]+)*")
                        || (parts.length == 2 && !parts[1].matches("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}"))) {
                    throw new IllegalArgumentException("ecr: needs REPOSITORY[:TAG], e.g. ecr:fleetmq/broker:0.1.0, got \"" + rest + "\"");
                }
                return new Ecr(parts[0], parts.length == 2 ? Optional.of(parts[1]) : Optional.empty());
            }
            default -> throw new IllegalArgumentException("destination must start with tar:, registry: or ecr:, got \"" + text + "\"");
        }
    }
}
