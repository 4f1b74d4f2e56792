package io.fleetmq.bench.scenario;

import io.fleetmq.bench.run.StopSignal;
import io.fleetmq.bench.stats.ProgressPrinter;
import io.fleetmq.bench.stats.Snapshot;
import io.fleetmq.bench.stats.StatsSource;
import org.HdrHistogram.Histogram;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.concurrent.locks.LockSupport;

/**
 * Runs a validated scenario in phases, printing emqtt_bench-style progress once a second throughout:
 * <ol>
 *   <li>subscribe: start every subscriber; wait until each one has its SUBACK or failed;</li>
 *   <li>warmup: wait {@code spec.warmup};</li>
 *   <li>publish: start the publishers; wait until they sent {@code messageLimit} (all acknowledged at QoS 1/2);</li>
 *   <li>drain: wait until the expected deliveries arrived, nothing arrived for 2 s, or {@code spec.drain} passed.</li>
 * </ol>
 * {@code spec.duration} bounds phases 1–3 together; drain comes on top. The publish phase is skipped when the
 * subscribe phase did not complete or lost more clients than {@code slo.maxConnectFailures} allows.
 */
public final class ScenarioRun {
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    private static final long QUIET = TimeUnit.SECONDS.toNanos(2);

    /** What a run produced; {@code expected} = {@link Delivery#expected} of what the publishers sent. */
    public record Outcome(Snapshot subscribers, Snapshot publishers, Histogram latencies, long expected,
                          double elapsedSeconds, boolean subscribePhaseComplete, boolean interrupted,
                          int failedWorkers, int processes) {
        public Snapshot total() {
            return subscribers.plus(publishers);
        }

        /** Connect failures of both sides plus refused subscriptions. */
        public long connectFailures() {
            return subscribers.connFailed() + subscribers.subFailed() + publishers.connFailed();
        }
    }

    private final Scenario scenario;
    private final List<Scenario.Endpoint> brokers;
    private final PrintWriter out;
    private final PrintWriter err;
    private final StopSignal stop;
    private long start;
    private long nextTick;
    private ProgressPrinter printer;

    public ScenarioRun(Scenario scenario, List<Scenario.Endpoint> brokers, PrintWriter out, PrintWriter err,
                       StopSignal stop) {
        this.scenario = scenario;
        this.brokers = List.copyOf(brokers);
        this.out = out;
        this.err = err;
        this.stop = stop;
    }

    public Outcome run() {
        start = System.nanoTime();
        nextTick = start + SECOND;
        Scenario.Spec spec = scenario.spec();
        Scenario.Subscribers subSpec = spec.subscribers();
        Scenario.Publishers pubSpec = spec.publishers();
        Delivery delivery = Delivery.of(subSpec.topic(), pubSpec.topic());
        String tag = scenario.name() + "_" + ProcessHandle.current().pid();
        Fleet subs = Fleet.subscribers(subSpec, brokers, tag + "_s", err);
        Fleet pubs = Fleet.publishers(pubSpec, brokers, tag + "_p", err);
        StatsSource all = new StatsSource() {
            @Override
            public Snapshot snapshot() {
                return subs.snapshot().plus(pubs.snapshot());
            }

            @Override
            public Histogram latencies() {
                return subs.latencies();
            }
        };
        printer = new ProgressPrinter(all, out, pubSpec.qos() > 0, start);
        long deadline = start + spec.duration().toNanos();
        say("scenario %s: %d subscriber(s) on %s, %d publisher(s), QoS %d/%d, %s, duration %ds", scenario.name(),
                subSpec.count(), brokers, pubSpec.count(), subSpec.qos(), pubSpec.qos(),
                delivery == Delivery.FAN_OUT ? "every subscriber gets every message" : "topics map %i one to one",
                spec.duration().toSeconds());
        if (delivery == Delivery.FAN_OUT) {
            int matching = 0;
            for (int i = 0; i < pubSpec.count(); i++) {
                String topic = pubSpec.topic().replace("%i", Integer.toString(i)).replace("%c", tag + "_p_" + i);
                matching += Delivery.filterMatches(subSpec.topic(), topic) ? 1 : 0;
            }
            if (matching < pubSpec.count()) {
                say("note: subscriber filter '%s' matches the topic of %d of %d publishers ('%s'): the receive ratio "
                        + "cannot reach 1", subSpec.topic(), matching, pubSpec.count(), pubSpec.topic());
            }
        }
        boolean published = false;
        boolean subscribed;
        try {
            say("phase subscribe");
            subs.start();
            subscribed = waitFor(() -> {
                Snapshot s = subs.snapshot();
                return s.subscribed() + s.connFailed() >= subSpec.count();
            }, deadline) && subs.snapshot().subscribed() - subs.snapshot().subFailed() == subSpec.count();
            Long allowed = spec.slo().maxConnectFailures();
            long failures = subs.snapshot().connFailed() + subs.snapshot().subFailed();
            boolean go = subs.snapshot().subscribed() + subs.snapshot().connFailed() >= subSpec.count()
                    && (allowed == null || failures <= allowed) && !stop.requested();
            if (!go) {
                say("subscribe phase incomplete: subscribed=%d of %d, failed=%d; not publishing",
                        subs.snapshot().subscribed() - subs.snapshot().subFailed(), subSpec.count(), failures);
            } else {
                say("phase warmup %.1fs", spec.warmup().toMillis() / 1000.0);
                long warm = System.nanoTime() + spec.warmup().toNanos();
                waitFor(stop::requested, Math.min(warm, deadline));
            }
            if (go && !stop.requested()) {
                say("phase publish");
                pubs.start();
                published = true;
                waitFor(pubs::finished, deadline);
                long sent = pubs.snapshot().sent();
                long expected = delivery.expected(sent, subSpec.count());
                say("phase drain: published=%d expected=%d received=%d", sent, expected, subs.snapshot().received());
                drain(subs, pubs, delivery, subSpec.count(), System.nanoTime() + spec.drain().toNanos());
            }
        } finally {
            // Both always: a LocalRun owns event-loop threads from its construction on, started or not.
            pubs.stop();
            subs.stop();
        }
        long end = System.nanoTime();
        printer.tick(end, Math.round((end - start) / 1e9));
        Snapshot ps = published ? pubs.snapshot() : Snapshot.EMPTY;
        return new Outcome(subs.snapshot(), ps, subs.latencies(), delivery.expected(ps.sent(), subSpec.count()),
                (end - start) / 1e9, subscribed, stop.requested(),
                subs.failedWorkers() + (published ? pubs.failedWorkers() : 0),
                subs.processes() + pubs.processes());
    }

    /** Until the expected deliveries arrived, or none arrived for {@link #QUIET}, or {@code until}. */
    private void drain(Fleet subs, Fleet pubs, Delivery delivery, int subscribers, long until) {
        long[] last = {subs.snapshot().received(), System.nanoTime()};
        waitFor(() -> {
            long got = subs.snapshot().received();
            long now = System.nanoTime();
            if (got != last[0]) {
                last[0] = got;
                last[1] = now;
            }
            return got >= delivery.expected(pubs.snapshot().sent(), subscribers) || now - last[1] >= QUIET;
        }, until);
    }

    /** Ticks progress until {@code done}, the deadline or a stop request; true when {@code done}. */
    private boolean waitFor(BooleanSupplier done, long deadline) {
        while (true) {
            long now = System.nanoTime();
            if (now - nextTick >= 0) {
                printer.tick(now, (nextTick - start) / SECOND);
                nextTick += SECOND;
            }
            if (done.getAsBoolean()) {
                return true;
            }
            if (stop.requested() || now - deadline >= 0) {
                return false;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
    }

    /** A phase line, labelled with the elapsed seconds like the progress lines. */
    private void say(String format, Object... args) {
        out.println((System.nanoTime() - start) / SECOND + "s " + String.format(Locale.ROOT, format, args));
        out.flush();
    }

    /** The SLOs of {@code slo} checked against {@code o}, in a fixed order. */
    public static List<SloResult> evaluate(Scenario.Slo slo, Outcome o) {
        List<SloResult> r = new ArrayList<>();
        if (slo.minReceiveRatio() != null) {
            Double ratio = o.expected() == 0 ? null : (double) o.subscribers().received() / o.expected();
            r.add(SloResult.atLeast("minReceiveRatio", slo.minReceiveRatio(), ratio, "nothing was published"));
        }
        if (slo.maxP99LatencyMs() != null) {
            Histogram h = o.latencies();
            Double p99 = h.getTotalCount() == 0 ? null : h.getValueAtPercentile(99) / 1000.0;
            r.add(SloResult.atMost("maxP99LatencyMs", slo.maxP99LatencyMs(), p99, "no message was received"));
        }
        if (slo.maxConnectFailures() != null) {
            r.add(SloResult.atMost("maxConnectFailures", slo.maxConnectFailures(), (double) o.connectFailures(), ""));
        }
        return r;
    }
}
