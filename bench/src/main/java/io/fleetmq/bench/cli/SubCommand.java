package io.fleetmq.bench.cli;

import io.fleetmq.bench.run.Mode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bench sub}: each client subscribes to the topic and counts what arrives. */
@Command(name = "sub", description = "Subscribe and count received messages, with latency from the payload timestamp.")
final class SubCommand extends ModeCommand {

    @Option(names = {"-t", "--topic"}, required = true,
            description = "Topic filter; %%i is the client's sequence number, %%c its client id.")
    String topic;

    @Option(names = {"-q", "--qos"}, defaultValue = "0", description = "Subscription QoS (default: ${DEFAULT-VALUE}).")
    int qos;

    @Option(names = "--expect", defaultValue = "0",
            description = "Messages expected in total over all subscribers: stop when they arrived and report "
                    + "the receive ratio (default: 0 = not given).")
    long expect;

    @Override
    Mode mode() {
        return Mode.SUB;
    }

    @Override
    void validateMode() {
        ConnectionOptions.require(spec, !topic.isBlank(), "-t/--topic must not be empty");
        ConnectionOptions.require(spec, qos >= 0 && qos <= 2, "-q/--qos must be 0, 1 or 2, got " + qos);
        ConnectionOptions.require(spec, expect >= 0, "--expect must not be negative");
    }

    @Override
    String topic() {
        return topic;
    }

    @Override
    int qos() {
        return qos;
    }

    @Override
    long expect() {
        return expect;
    }
}
