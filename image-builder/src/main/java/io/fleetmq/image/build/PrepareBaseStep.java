package io.fleetmq.image.build;

import io.fleetmq.image.base.BaseImage;
import io.fleetmq.image.base.DebootstrapCache;
import io.fleetmq.image.base.RootfsTarWriter;
import io.fleetmq.image.manifest.BaseSpec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Makes the manifest's base something jib can start from (a registry reference or a docker-save tar). */
final class PrepareBaseStep implements BuildStep {

    @Override
    public String name() {
        return "prepare base";
    }

    @Override
    public void run(BuildState state, Progress progress) throws Exception {
        BuildRequest req = state.request();
        BaseSpec spec = req.manifest().manifest().containerBase();
        String arch = req.effectivePlatforms().get(0).architecture();
        BaseImage base;
        if (spec instanceof BaseSpec.RegistryImage r) {
            base = new BaseImage.Registry(r.reference());
            progress.report("registry image " + r.reference());
        } else if (spec instanceof BaseSpec.DockerTar t) {
            if (!Files.isRegularFile(t.path())) {
                throw new IOException("base docker tar " + t.path() + " does not exist");
            }
            base = new BaseImage.DockerTar(t.path(), null);
            progress.report("docker-save tar " + t.path());
        } else if (spec instanceof BaseSpec.RootfsDirectory d) {
            Path tar = state.workDir().resolve("base-rootfs.tar");
            progress.report("packing " + d.path() + " into a base layer");
            base = new BaseImage.DockerTar(tar, RootfsTarWriter.write(d.path(), tar, arch));
        } else {
            BaseSpec.Debootstrap deb = (BaseSpec.Debootstrap) spec;
            base = new DebootstrapCache(req.cacheDir()).ensure(deb, arch, progress::report);
            progress.report("debian " + deb.suite() + "/" + deb.variant() + " rootfs layer "
                    + ((BaseImage.DockerTar) base).rootfsDigest());
        }
        state.base(base);
    }
}
