package io.fleetmq.image.ami;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Finds the external tools an AMI build runs (packer, ansible-playbook) on the PATH it is given. */
public final class Tools {

    /** Tool name and the Debian package that provides it, for the message when it is missing. */
    public static final Map<String, String> AMI_TOOLS = Map.of("packer", "packer", "ansible-playbook", "ansible");

    private final String path;

    public Tools(Map<String, String> env) {
        this.path = env.getOrDefault("PATH", "");
    }

    public Optional<Path> find(String tool) {
        for (String dir : path.split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
                return Optional.of(Path.of(dir, tool));
            }
        }
        return Optional.empty();
    }

    /** The missing AMI tools, as "packer (apt-get install packer)", in a fixed order; empty when all are there. */
    public List<String> missingAmiTools() {
        List<String> missing = new ArrayList<>();
        for (String tool : List.of("packer", "ansible-playbook")) {
            if (find(tool).isEmpty()) {
                missing.add(tool + " (apt-get install " + AMI_TOOLS.get(tool) + ")");
            }
        }
        return missing;
    }
}
