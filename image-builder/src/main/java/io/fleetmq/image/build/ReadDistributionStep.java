package io.fleetmq.image.build;

/** Finds the broker's classes and runtime jars (broker/target). */
final class ReadDistributionStep implements BuildStep {

    @Override
    public String name() {
        return "read broker distribution";
    }

    @Override
    public void run(BuildState state, Progress progress) throws Exception {
        BrokerDistribution d = BrokerDistribution.read(state.request().brokerTarget());
        state.distribution(d);
        progress.report(d.dependencyJars().size() + " dependency jars, classes from " + d.classesDir());
    }
}
