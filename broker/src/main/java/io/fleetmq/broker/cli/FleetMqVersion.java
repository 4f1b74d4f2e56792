package io.fleetmq.broker.cli;

import picocli.CommandLine.IVersionProvider;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** The project version, written into {@code fleetmq-version.properties} by Maven resource filtering. */
public final class FleetMqVersion implements IVersionProvider {

    /** The version, or {@code "unknown"} when the resource is missing (e.g. run from an IDE without Maven). */
    public static String version() {
        try (InputStream in = FleetMqVersion.class.getResourceAsStream("/fleetmq-version.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String[] getVersion() {
        return new String[] {"fleetmq " + version()};
    }
}
