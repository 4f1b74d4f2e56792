package io.fleetmq.bench.cli;

import io.fleetmq.bench.run.Mode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bench pub}: each client publishes to its topic every -I ms; stops after -L messages in total. */
@Command(name = "pub", description = "Publish messages carrying a timestamp in their first 8 bytes.")
final class PubCommand extends ModeCommand {

    @Option(names = {"-t", "--topic"}, required = true,
            description = "Topic; %%i is the client's sequence number, %%c its client id.")
    String topic;

    @Option(names = {"-q", "--qos"}, defaultValue = "0", description = "Publish QoS (default: ${DEFAULT-VALUE}).")
    int qos;

    @Option(names = {"-s", "--size"}, defaultValue = "256",
            description = "Payload size in bytes, at least 8 (the timestamp) (default: ${DEFAULT-VALUE}).")
    int size;

    @Option(names = {"-I", "--interval_of_msg"}, defaultValue = "1000",
            description = "Milliseconds between two publishes of one client; 0 = as fast as -F and the socket "
                    + "allow (default: ${DEFAULT-VALUE}).")
    long interval;

    @Option(names = {"-L", "--limit"}, defaultValue = "0",
            description = "Messages to publish in total over all clients, then stop (default: 0 = unlimited).")
    long limit;

    @Option(names = {"-F", "--inflight"}, defaultValue = "1",
            description = "QoS 1/2 publishes in flight per client; 0 = up to 65535 (default: ${DEFAULT-VALUE}).")
    int inflight;

    @Override
    Mode mode() {
        return Mode.PUB;
    }

    @Override
    void validateMode() {
        ConnectionOptions.require(spec, !topic.isBlank(), "-t/--topic must not be empty");
        ConnectionOptions.require(spec, !topic.contains("+") && !topic.contains("#"),
                "-t/--topic must not contain wildcards when publishing: " + topic);
        ConnectionOptions.require(spec, qos >= 0 && qos <= 2, "-q/--qos must be 0, 1 or 2, got " + qos);
        ConnectionOptions.require(spec, size >= 8 && size <= 256 * 1024 * 1024,
                "-s/--size must be 8..268435456 (8 bytes hold the timestamp), got " + size);
        ConnectionOptions.require(spec, interval >= 0, "-I/--interval_of_msg must not be negative");
        ConnectionOptions.require(spec, limit >= 0, "-L/--limit must not be negative");
        ConnectionOptions.require(spec, inflight >= 0 && inflight <= 65535, "-F/--inflight must be 0..65535");
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
    int payloadSize() {
        return size;
    }

    @Override
    long publishIntervalMs() {
        return interval;
    }

    @Override
    long limit() {
        return limit;
    }

    @Override
    int inflight() {
        return inflight;
    }
}
