package io.fleetmq.bench.scenario;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetmq.bench.cli.BenchCli;
import io.fleetmq.bench.report.BenchReport;
import io.fleetmq.bench.run.StopSignal;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code fleetmq bench scenario FILE}: runs a YAML scenario and exits 0 when every SLO passed, 1 when one failed (or
 * the run itself failed), 2 when the file or the options are bad (nothing is run then).
 */
@Command(name = "scenario",
        description = "Run a YAML scenario (subscribers, publishers, SLOs); exit 1 when an SLO fails.")
public final class ScenarioCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @ParentCommand
    BenchCli parent;

    @Parameters(index = "0", paramLabel = "FILE", description = "Scenario file (apiVersion fleetmq.io/v1, kind "
            + "BenchScenario); see bench/scenarios/.")
    Path file;

    @Option(names = "--broker", split = ",", paramLabel = "HOST:PORT",
            description = "Broker endpoint(s) to use instead of spec.brokers (repeatable or comma-separated).")
    List<String> brokers = new ArrayList<>();

    @Option(names = "--report", paramLabel = "FILE", description = "Write the JSON report (with SLO results) to FILE.")
    Path report;

    @Option(names = "--check", description = "Only parse and validate the file, then exit (0 valid, 2 not).")
    boolean check;

    @Option(names = "--help", usageHelp = true, description = "Show this help.")
    boolean help;

    @Option(names = "--stacktrace", hidden = true, description = "Print stack traces of failures.")
    boolean stacktrace;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ScenarioLoader.Loaded loaded = ScenarioLoader.load(file);
        List<String> problems = new ArrayList<>(loaded.messages());
        List<Scenario.Endpoint> endpoints = null;
        if (!brokers.isEmpty()) {
            endpoints = new ArrayList<>();
            for (String b : brokers) {
                Scenario.Endpoint e = ScenarioLoader.endpoint(b);
                if (e == null) {
                    problems.add("--broker: " + ScenarioLoader.ENDPOINT_RULE + ", got '" + b + "'");
                }
                endpoints.add(e);
            }
        } else if (loaded.ok()) {
            endpoints = loaded.scenario().spec().brokers();
        }
        if (!problems.isEmpty()) {
            problems.forEach(err::println);
            err.println(spec.qualifiedName() + ": " + problems.size() + " problem(s); nothing was run");
            err.flush();
            return BenchCli.BAD_INPUT;
        }
        Scenario scenario = loaded.scenario();
        if (check) {
            out.println(loaded.file() + ": valid (" + scenario.name() + ")");
            out.flush();
            return BenchCli.OK;
        }
        StopSignal stop = parent != null ? parent.stopSignal() : new StopSignal();
        ScenarioRun.Outcome o = new ScenarioRun(scenario, endpoints, out, err, stop).run();
        List<SloResult> results = ScenarioRun.evaluate(scenario.spec().slo(), o);
        printSummary(out, scenario, o, results);
        int code = BenchCli.OK;
        if (report != null) {
            try {
                BenchReport.write(report(scenario, endpoints, o, results), report);
                out.println("report written to " + report);
                out.flush();
            } catch (IOException e) {
                err.println(spec.qualifiedName() + ": cannot write the report to " + report + ": " + e.getMessage());
                code = BenchCli.FAILURE;
            }
        }
        List<SloResult> failed = results.stream().filter(r -> !r.pass()).toList();
        for (SloResult r : failed) {
            err.println(spec.qualifiedName() + " " + scenario.name() + ": SLO failed: " + r.failure());
        }
        if (o.failedWorkers() > 0) {
            err.println(spec.qualifiedName() + " " + scenario.name() + ": " + o.failedWorkers()
                    + " worker process(es) failed; see their messages above");
        }
        if (o.interrupted()) {
            err.println(spec.qualifiedName() + " " + scenario.name() + ": interrupted before the end");
        }
        err.flush();
        return failed.isEmpty() && o.failedWorkers() == 0 && !o.interrupted() ? code : BenchCli.FAILURE;
    }

    private static void printSummary(PrintWriter out, Scenario sc, ScenarioRun.Outcome o, List<SloResult> results) {
        out.println(String.format(Locale.ROOT, "done in %.1fs: subscribers=%d published=%d expected=%d received=%d"
                        + " conn_fail=%d", o.elapsedSeconds(), o.subscribers().subscribed()
                        - o.subscribers().subFailed(), o.publishers().sent(), o.expected(),
                o.subscribers().received(), o.connectFailures()));
        out.println(String.format(Locale.ROOT, "%-20s %-14s %-14s %s", "SLO", "threshold", "actual", "result"));
        for (SloResult r : results) {
            out.println(String.format(Locale.ROOT, "%-20s %-14s %-14s %s", r.name(), r.comparison(), r.actualText(),
                    r.pass() ? "PASS" : "FAIL" + (r.detail().isEmpty() ? "" : " (" + r.detail() + ")")));
        }
        long failed = results.stream().filter(r -> !r.pass()).count();
        out.println("scenario " + sc.name() + ": " + (failed == 0 ? "PASS" : "FAIL (" + failed + " of "
                + results.size() + " SLOs)"));
        out.flush();
    }

    private static ObjectNode report(Scenario sc, List<Scenario.Endpoint> endpoints, ScenarioRun.Outcome o,
                                     List<SloResult> results) {
        Scenario.Spec spec = sc.spec();
        ObjectNode r = BenchReport.build("scenario", spec.subscribers().count() + spec.publishers().count(),
                o.processes(), o.expected(), o.elapsedSeconds(), o.total(), o.latencies());
        ObjectNode s = r.putObject("scenario");
        s.put("name", sc.name());
        s.put("apiVersion", sc.apiVersion());
        ArrayNode b = s.putArray("brokers");
        endpoints.forEach(e -> b.add(e.toString()));
        s.put("subscribers", spec.subscribers().count());
        s.put("publishers", spec.publishers().count());
        s.put("delivery", Delivery.of(spec.subscribers().topic(), spec.publishers().topic()) == Delivery.FAN_OUT
                ? "fan-out" : "one-to-one");
        s.put("subscribePhaseComplete", o.subscribePhaseComplete());
        s.put("interrupted", o.interrupted());
        s.put("failedWorkers", o.failedWorkers());
        ArrayNode slo = r.putArray("slo");
        for (SloResult x : results) {
            ObjectNode n = slo.addObject();
            n.put("name", x.name());
            n.put("comparison", x.atLeast() ? ">=" : "<=");
            n.put("threshold", x.threshold());
            if (x.actual() == null) {
                n.putNull("actual");
            } else {
                n.put("actual", x.actual());
            }
            n.put("pass", x.pass());
            n.put("detail", x.detail());
        }
        r.put("passed", results.stream().allMatch(SloResult::pass) && o.failedWorkers() == 0 && !o.interrupted());
        return r;
    }
}
