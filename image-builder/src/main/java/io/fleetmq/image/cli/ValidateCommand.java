package io.fleetmq.image.cli;

import io.fleetmq.image.manifest.ImageManifest;
import io.fleetmq.image.roles.RenderedFile;
import io.fleetmq.image.validate.ValidatedManifest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

@Command(name = "validate", mixinStandardHelpOptions = true,
        description = {"Check a manifest without building anything: keys and types, roles and their variables,",
                "templates, and the rendered broker configuration (with the broker's own loader)."},
        footer = {"", "Examples:", "  ./fleetmq image validate --manifest image-builder/manifests/broker.yaml",
                "", "A bad manifest prints FILE:LINE: KEY: what is wrong, and exits 2."})
final class ValidateCommand implements Callable<Integer> {

    @ParentCommand
    ImageCli parent;

    @Mixin
    ManifestOptions options;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        try {
            options.manifestPath();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        ValidatedManifest v = options.load(parent.context());
        ImageManifest m = v.manifest();
        PrintWriter out = spec.commandLine().getOut();
        out.println(m.source() + ": OK: " + m.name() + " " + m.version() + ", roles "
                + String.join(", ", m.roles().stream().map(r -> r.name()).toList())
                + ", targets " + (m.container().isPresent() ? "container " : "") + (m.ami().isPresent() ? "ami" : "")
                        .trim());
        for (RenderedFile f : v.containerFiles()) {
            out.println("  renders " + f.path() + " from " + f.template());
        }
        out.flush();
        return ImageCli.OK;
    }
}
