package io.fleetmq.bench.scenario;

/** One thing wrong with a scenario file: the YAML path, what is wrong, and the line (1-based; 0 when unknown). */
public record Problem(String path, String message, int line) {

    /** {@code seed-local.yaml: spec.subscribers.qos: must be 0, 1 or 2, got 3 (line 12)} */
    public String format(String file) {
        String where = path.isEmpty() ? "" : path + ": ";
        return file + ": " + where + message + (line > 0 ? " (line " + line + ")" : "");
    }
}
