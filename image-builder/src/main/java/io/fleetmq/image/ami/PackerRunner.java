package io.fleetmq.image.ami;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/** Runs packer with the plan's files, passing its output line by line to the caller. */
public final class PackerRunner {

    private final Path packer;
    private final Path workDir;

    public PackerRunner(Path packer, Path workDir) {
        this.packer = packer;
        this.workDir = workDir;
    }

    /** Runs {@code packer validate}; its output goes to {@code output}; returns the exit code. */
    public int validate(AmiPlan plan, Consumer<String> output) throws IOException, InterruptedException {
        return run(plan.validateCommand(packer.toString()), output);
    }

    /** Runs {@code packer build}; returns the exit code. */
    public int build(AmiPlan plan, Consumer<String> output) throws IOException, InterruptedException {
        return run(plan.buildCommand(packer.toString()), output);
    }

    private int run(List<String> cmd, Consumer<String> output) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile()).redirectErrorStream(true);
        // Machine-readable colours off; Packer's own update check off (no network beyond AWS).
        pb.environment().put("PACKER_NO_COLOR", "1");
        pb.environment().put("CHECKPOINT_DISABLE", "1");
        Process p = pb.start();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                output.accept(line);
            }
        }
        return p.waitFor();
    }
}
