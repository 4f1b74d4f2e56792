package io.fleetmq.image.cli;

import io.fleetmq.image.manifest.ManifestParser;
import io.fleetmq.image.roles.RoleLibrary;
import io.fleetmq.image.roles.RoleRenderer;
import io.fleetmq.image.validate.ManifestValidator;
import io.fleetmq.image.validate.ValidatedManifest;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;

/** Shared by {@code build} and {@code validate}: which manifest, which roles folder. */
final class ManifestOptions {

    @Option(names = "--manifest", paramLabel = "FILE",
            description = "Manifest file (apiVersion fleetmq.io/v1alpha1, kind ImageManifest).")
    Path manifest;

    @Parameters(index = "0", arity = "0..1", paramLabel = "MANIFEST",
            description = "The manifest, instead of --manifest.")
    Path positional;

    @Option(names = "--roles", paramLabel = "DIR",
            description = "Ansible roles folder (default: ansible-roles/ of the repository).")
    Path roles;

    @Option(names = "--stacktrace", hidden = true, description = "Print stack traces of failures.")
    boolean stacktrace;

    /** The manifest path, or a message for the user when none or two were given. */
    Path manifestPath() {
        if (manifest != null && positional != null && !manifest.equals(positional)) {
            throw new IllegalArgumentException("give the manifest once: --manifest " + manifest + " or " + positional);
        }
        Path p = manifest != null ? manifest : positional;
        if (p == null) {
            throw new IllegalArgumentException("missing the manifest: --manifest FILE");
        }
        return p;
    }

    ValidatedManifest load(CliContext ctx) {
        RoleLibrary library = new RoleLibrary(roles != null ? roles : ctx.defaultRoles());
        return new ManifestValidator(library, new RoleRenderer()).validate(ManifestParser.read(manifestPath()));
    }
}
