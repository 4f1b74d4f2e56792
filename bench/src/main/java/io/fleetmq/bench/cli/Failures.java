package io.fleetmq.bench.cli;

/** One line an operator can act on, from any exception. */
final class Failures {
    private Failures() {
    }

    /** The deepest cause's message on one line, or its type when it has none. */
    static String describe(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String msg = root.getMessage();
        if (msg == null || msg.isBlank()) {
            return root.getClass().getSimpleName();
        }
        return msg.replaceAll("\\s*\\R\\s*", " ").trim();
    }
}
