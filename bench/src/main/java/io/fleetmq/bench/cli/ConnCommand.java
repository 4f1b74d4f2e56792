package io.fleetmq.bench.cli;

import io.fleetmq.bench.run.Mode;
import picocli.CommandLine.Command;

/** {@code bench conn}: connect the clients and hold the connections (until --duration or Ctrl-C). */
@Command(name = "conn", description = "Connect clients and hold the connections.")
final class ConnCommand extends ModeCommand {
    @Override
    Mode mode() {
        return Mode.CONN;
    }
}
