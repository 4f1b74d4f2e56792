package io.fleetmq.broker.files;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Objects;

/**
 * The parsed content of one or more files, re-read when any of them changes (size or modification time). A change
 * that fails to parse is logged as one error line and ignored: the previous good content stays in force, so a typo
 * in a live ACL never opens or closes the fleet. Polled ({@link #checkForChange()}) rather than watched, because
 * inotify does not see changes through the symlinks Kubernetes uses to swap mounted secrets.
 *
 * @param <T> the parsed form
 */
public final class WatchedFile<T> {
    private static final Logger LOG = LoggerFactory.getLogger(WatchedFile.class);

    /** Reads the files into their parsed form. */
    @FunctionalInterface
    public interface Parser<T> {
        T parse() throws FileFormatException;
    }

    private final String what;
    private final List<Path> paths;
    private final Parser<T> parser;
    private volatile T current;
    private List<String> stamps;

    private WatchedFile(String what, List<Path> paths, Parser<T> parser, T first, List<String> stamps) {
        this.what = what;
        this.paths = paths;
        this.parser = parser;
        this.current = first;
        this.stamps = stamps;
    }

    /**
     * Loads the files now. Fails (for a start-up error) when they cannot be read or parsed.
     *
     * @param what  names the content in log lines ("ACL file /etc/fleetmq/acl")
     */
    public static <T> WatchedFile<T> load(String what, List<Path> paths, Parser<T> parser) throws FileFormatException {
        List<String> stamps = stamps(paths);
        return new WatchedFile<>(what, List.copyOf(paths), parser, parser.parse(), stamps);
    }

    /** The content last loaded successfully. */
    public T current() {
        return current;
    }

    /**
     * Re-reads the files if any changed since the last look. Returns true when new content took effect.
     * Called from one scheduler thread.
     */
    public synchronized boolean checkForChange() {
        List<String> now = stamps(paths);
        if (now.equals(stamps)) {
            return false;
        }
        stamps = now;
        try {
            T next = parser.parse();
            current = Objects.requireNonNull(next);
            LOG.info("{} reloaded", what);
            return true;
        } catch (FileFormatException e) {
            LOG.error("{} changed but was NOT reloaded, the previous version stays in force: {}", what,
                    e.getMessage());
            return false;
        } catch (RuntimeException e) {
            LOG.error("{} changed but was NOT reloaded, the previous version stays in force: {}", what, e.toString());
            return false;
        }
    }

    /** Size and modification time of each file; a missing file has its own stamp, so its return is seen. */
    private static List<String> stamps(List<Path> paths) {
        return paths.stream().map(p -> {
            try {
                BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
                return a.size() + "@" + a.lastModifiedTime().toMillis() + "#" + a.fileKey();
            } catch (IOException e) {
                return "missing";
            }
        }).toList();
    }
}
