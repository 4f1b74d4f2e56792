package io.fleetmq.bench.scenario;

import java.util.Locale;

/**
 * One SLO checked against a run: {@code actual} is null when the run produced nothing to measure (nothing published,
 * no latency recorded), which fails the check.
 */
public record SloResult(String name, boolean atLeast, double threshold, Double actual, boolean pass, String detail) {

    static SloResult atLeast(String name, double threshold, Double actual, String whenMissing) {
        boolean pass = actual != null && actual >= threshold;
        return new SloResult(name, true, threshold, actual, pass,
                actual == null ? whenMissing : pass ? "" : "short by " + num(threshold - actual));
    }

    static SloResult atMost(String name, double threshold, Double actual, String whenMissing) {
        boolean pass = actual != null && actual <= threshold;
        return new SloResult(name, false, threshold, actual, pass,
                actual == null ? whenMissing : pass ? "" : "over by " + num(actual - threshold));
    }

    public String comparison() {
        return (atLeast ? ">= " : "<= ") + num(threshold);
    }

    public String actualText() {
        return actual == null ? "-" : num(actual);
    }

    /** {@code minReceiveRatio: 0.981 < 0.999 (short by 0.018)} */
    public String failure() {
        if (actual == null) {
            return name + ": " + detail + " (needs " + comparison() + ")";
        }
        return name + ": " + num(actual) + (atLeast ? " < " : " > ") + num(threshold) + " (" + detail + ")";
    }

    static String num(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        String s = String.format(Locale.ROOT, "%.6f", v);
        return s.replaceAll("0+$", "").replaceAll("\\.$", "");
    }
}
