package io.fleetmq.image.build;

import io.fleetmq.image.base.JlinkRuntimes;
import io.fleetmq.image.manifest.RuntimeSpec;

/** Makes (or finds in the cache) the jlink runtime, unless the base image brings its own JRE. */
final class RuntimeStep implements BuildStep {

    @Override
    public String name() {
        return "prepare Java runtime";
    }

    @Override
    public void run(BuildState state, Progress progress) throws Exception {
        RuntimeSpec spec = state.request().manifest().manifest().containerRuntime();
        if (spec instanceof RuntimeSpec.Jlink j) {
            state.runtimeDir(new JlinkRuntimes(state.request().cacheDir()).ensure(state.request().javaHome(),
                    j.modules()));
            progress.report("jlink runtime (" + String.join(",", j.modules()) + ") at " + j.javaHome());
        } else {
            progress.report("JRE from the base image at " + spec.javaBinary());
        }
    }
}
