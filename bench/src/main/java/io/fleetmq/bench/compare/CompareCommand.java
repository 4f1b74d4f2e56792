package io.fleetmq.bench.compare;

import io.fleetmq.bench.cli.BenchCli;
import io.fleetmq.bench.run.StopSignal;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code bench compare}: starts FleetMQ (own JVM), Mosquitto and HiveMQ CE (own JVM) on free loopback ports, runs each
 * workload against the three in turn (FleetMQ, Mosquitto, HiveMQ CE), and writes a markdown section with FleetMQ's
 * ratios to both peers. Progress goes to stderr,
 * the section to stdout or {@code --out}, and with {@code --update-docs} between the markers of docs/benchmarks.md.
 */
@Command(name = "compare", description = "FleetMQ vs Mosquitto and HiveMQ CE, same run, same clients: memory, "
        + "connects, mTLS connects, throughput, latency, broker CPU; writes a markdown table.")
public final class CompareCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @ParentCommand
    BenchCli parent;

    @Option(names = "--help", usageHelp = true, description = "Show this help.")
    boolean help;

    @Option(names = "--quick", description = "Small sizes and 2 s workloads (tests, CI).")
    boolean quick;

    @Option(names = "--out", paramLabel = "FILE", description = "Write the markdown section to FILE (default: stdout).")
    Path out;

    @Option(names = "--update-docs", description = "Rewrite the block between '" + DocsBlock.BEGIN + "' and '"
            + DocsBlock.END + "' in docs/benchmarks.md (or --docs).")
    boolean updateDocs;

    @Option(names = "--docs", paramLabel = "FILE", description = "The document --update-docs rewrites "
            + "(default: docs/benchmarks.md in the repository).")
    Path docs;

    @Option(names = "--fleetmq-opts", defaultValue = "-Xmx2g", paramLabel = "OPTS",
            description = "JVM options of the FleetMQ broker process (default: ${DEFAULT-VALUE}).")
    String fleetMqOpts;

    @Option(names = "--hivemq-opts", defaultValue = "-Xmx2g", paramLabel = "OPTS",
            description = "JVM options of the HiveMQ CE process (default: ${DEFAULT-VALUE}).")
    String hiveMqOpts;

    @Option(names = "--duration", paramLabel = "S",
            description = "Seconds measured per throughput and latency workload (default: 10, 2 with --quick).")
    Long durationSecs;

    @Option(names = "--idle", paramLabel = "N",
            description = "Idle connections for the memory row (default: 15000, 500 with --quick).")
    Integer idle;

    @Option(names = "--tls-connects", paramLabel = "N",
            description = "Mutual-TLS connections for the TLS rows (default: 5000, 200 with --quick).")
    Integer tlsConnects;

    /** Workload sizes. */
    record Sizes(int idle, int connects, int tlsConnects, int fanInPublishers, int fanOutSubscribers, int pairs,
                 int deliveryPerPublisher, long warmupMillis, int settleSecs) {
        static Sizes of(boolean quick) {
            return quick ? new Sizes(500, 500, 200, 20, 50, 20, 50, 500, 3)
                    : new Sizes(15_000, 10_000, 5_000, 100, 1_000, 500, 200, 1_000, 3);
        }
    }

    @Override
    public Integer call() throws Exception {
        long duration = durationSecs != null ? durationSecs : quick ? 2 : 10;
        if (duration < 1 || duration > 3600) {
            throw new ParameterException(spec.commandLine(), "--duration must be 1..3600 seconds, got " + duration);
        }
        Sizes base = Sizes.of(quick);
        if (idle != null && (idle < 1 || idle > 100_000)) {
            throw new ParameterException(spec.commandLine(), "--idle must be 1..100000, got " + idle);
        }
        if (tlsConnects != null && (tlsConnects < 1 || tlsConnects > 100_000)) {
            throw new ParameterException(spec.commandLine(), "--tls-connects must be 1..100000, got " + tlsConnects);
        }
        Sizes sizes = new Sizes(idle != null ? idle : base.idle(), base.connects(),
                tlsConnects != null ? tlsConnects : base.tlsConnects(), base.fanInPublishers(),
                base.fanOutSubscribers(), base.pairs(), base.deliveryPerPublisher(), base.warmupMillis(),
                base.settleSecs());
        Path docsFile = null;
        if (updateDocs) {
            docsFile = docs != null ? docs : BrokerProcess.repoRoot().resolve("docs/benchmarks.md");
            try {
                DocsBlock.checkFile(docsFile);
            } catch (IOException e) {
                throw new ParameterException(spec.commandLine(), "--update-docs: cannot read " + docsFile + ": " + e);
            } catch (DocsBlock.MissingMarkersException e) {
                throw new ParameterException(spec.commandLine(), "--update-docs: " + e.getMessage());
            }
        }
        Path root = BrokerProcess.repoRoot();
        BrokerProcess.fleetMqClassPath(root); // fail before starting anything when the broker is not built
        BrokerProcess.hiveMqClassPath(root); // ... or the HiveMQ CE peer
        if (!Files.isExecutable(BrokerProcess.MOSQUITTO)) {
            throw new IllegalStateException(BrokerProcess.MOSQUITTO + " is not installed; install Debian's "
                    + "mosquitto package (apt-get install mosquitto) to compare against it");
        }

        PrintWriter err = spec.commandLine().getErr();
        StopSignal stop = parent != null ? parent.stopSignal() : new StopSignal();
        Workloads w = new Workloads(err, stop);
        String command = "./fleetmq bench compare"
                + (spec.root().commandLine().getParseResult() == null ? ""
                : " " + String.join(" ", spec.root().commandLine().getParseResult().originalArgs()
                .subList(1, spec.root().commandLine().getParseResult().originalArgs().size()))).stripTrailing();
        CompareReport report = new CompareReport(command, Machine.describe(), fleetMqOpts, hiveMqOpts, sizes,
                duration);
        Path work = Files.createTempDirectory("fleetmq-compare");
        TlsMaterial tls = TlsMaterial.create(work.resolve("tls"));
        w.log("brokers: starting FleetMQ (%s), Mosquitto and HiveMQ CE (%s); logs in %s", fleetMqOpts, hiveMqOpts,
                work);
        try (BrokerProcess fleet = BrokerProcess.startFleetMq(root, fleetMqOpts, work, tls);
             BrokerProcess mosq = BrokerProcess.startMosquitto(work, tls);
             BrokerProcess hive = BrokerProcess.startHiveMq(root, hiveMqOpts, work, tls)) {
            List<BrokerProcess> all = List.of(fleet, mosq, hive); // the order of CompareReport.BROKERS
            for (BrokerProcess b : all) {
                w.log("brokers: %s pid %d, MQTT port %d, mTLS port %d", b.name(), b.pid(), b.port(), b.tlsPort());
            }

            List<Workloads.Delivery> delivered = new ArrayList<>();
            for (BrokerProcess b : all) {
                delivered.add(w.delivery(b, sizes.pairs(), sizes.deliveryPerPublisher()));
            }
            report.delivery(sizes.pairs(), sizes.deliveryPerPublisher(), delivered);

            List<Workloads.Memory> mem = new ArrayList<>();
            for (BrokerProcess b : all) {
                mem.add(w.memory(b, sizes.idle(), sizes.settleSecs()));
            }
            report.memory(mem);

            List<Workloads.ConnRate> rate = new ArrayList<>();
            for (BrokerProcess b : all) {
                rate.add(w.connectionRate(b, sizes.connects()));
            }
            report.connectionRate(rate);

            Workloads.Flow mosqP2pQos1 = null;
            for (int qos = 0; qos <= 1; qos++) {
                for (String shape : List.of("fan-in", "fan-out", "p2p")) {
                    int pubs = switch (shape) {
                        case "fan-in" -> sizes.fanInPublishers();
                        case "fan-out" -> 1;
                        default -> sizes.pairs();
                    };
                    int subs = switch (shape) {
                        case "fan-in" -> 1;
                        case "fan-out" -> sizes.fanOutSubscribers();
                        default -> sizes.pairs();
                    };
                    String label = "throughput QoS " + qos + " " + shape;
                    List<Workloads.Flow> f = new ArrayList<>();
                    for (BrokerProcess b : all) {
                        f.add(w.flow(label, b, pubs, subs, shape.equals("p2p"), qos, 0, sizes.warmupMillis(),
                                duration));
                    }
                    report.throughput(qos, shape, pubs, subs, f);
                    if (qos == 1 && shape.equals("p2p")) {
                        mosqP2pQos1 = f.get(1);
                    }
                }
            }

            // Latency at half of Mosquitto's peak in p2p QoS 1, measured above in this run.
            double target = mosqP2pQos1.receivedPerSecond() / 2;
            long intervalMs = Math.max(1, Math.round(sizes.pairs() * 1000.0 / Math.max(1, target)));
            List<Workloads.Flow> lat = new ArrayList<>();
            for (BrokerProcess b : all) {
                lat.add(w.flow(String.format(java.util.Locale.ROOT, "latency at %,.0f msg/s", target), b,
                        sizes.pairs(), sizes.pairs(), true, 1, intervalMs, sizes.warmupMillis(), duration));
            }
            report.latency(target, intervalMs, sizes.pairs(), lat);

            List<Workloads.TlsConnect> tlsRows = new ArrayList<>();
            for (BrokerProcess b : all) {
                tlsRows.add(w.tlsConnect(b, sizes.tlsConnects(), tls.clientContext(), sizes.settleSecs()));
            }
            report.tlsConnect(tlsRows);
        } finally {
            w.log("brokers: stopped");
        }
        deleteQuietly(work); // kept (and named in the error) when a workload failed

        String markdown = report.markdown();
        if (out != null) {
            DocsBlock.writeAtomically(out, markdown);
            w.log("written to %s", out);
        }
        if (docsFile != null) {
            DocsBlock.rewrite(docsFile, markdown);
            w.log("updated %s", docsFile);
        }
        if (out == null) {
            PrintWriter o = spec.commandLine().getOut();
            o.print(markdown);
            o.flush();
        }
        return BenchCli.OK;
    }

    /** Deletes the run's work directory (logs, configs, certificates, HiveMQ's data folder), deepest first. */
    private static void deleteQuietly(Path dir) {
        try (var files = Files.walk(dir)) {
            for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(f);
            }
        } catch (IOException e) {
            // only logs and throw-away certificates; leave them
        }
    }
}
