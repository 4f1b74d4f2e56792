package io.fleetmq.bench.compare;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * CPU time a process has used, from /proc/PID/stat (utime + stime, all threads). Client and brokers share the cores
 * in a compare run, so rates alone say little; CPU per message and per connect say what each broker spent.
 */
final class ProcessCpu {
    /** Clock ticks per second of utime/stime; 100 on every Linux the bench runs on, asked of getconf once. */
    private static final long TICKS_PER_SECOND = ticksPerSecond();

    private ProcessCpu() {
    }

    /** User + system CPU time of {@code pid} so far, in milliseconds. */
    static long millis(long pid) throws IOException {
        return parseTicks(Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.US_ASCII))
                * 1000 / TICKS_PER_SECOND;
    }

    /**
     * utime + stime (fields 14 and 15 of proc(5)) from one /proc/PID/stat line. The second field, the command name,
     * is in parentheses and may itself hold spaces and ')', so fields are counted from the last ')'.
     */
    static long parseTicks(String stat) {
        int close = stat.lastIndexOf(')');
        if (close < 0) {
            throw new IllegalArgumentException("not a /proc/PID/stat line: " + stat);
        }
        // after ") ": field 3 (state) is index 0, so utime (14) is index 11 and stime (15) index 12
        String[] f = stat.substring(close + 2).trim().split("\\s+");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    private static long ticksPerSecond() {
        try {
            Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
            if (p.waitFor(5, TimeUnit.SECONDS) && p.exitValue() == 0) {
                return Long.parseLong(out);
            }
        } catch (IOException | NumberFormatException e) {
            // fall through to the Linux default
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 100;
    }
}
