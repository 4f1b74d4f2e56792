package io.fleetmq.broker.cli;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.joran.spi.JoranException;
import io.fleetmq.broker.config.LogConfig;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;

import java.net.URL;

/**
 * Applies {@code log.format}. Logback configures itself from {@code logback.xml} (text) when the first logger is made,
 * before the configuration is read; so once it is read, {@code json} reconfigures Logback from
 * {@code logback-json.xml}. Nothing is logged before that point except configuration errors, which go to stderr as
 * plain lines anyway. An operator's own {@code -Dlogback.configurationFile} always wins.
 */
final class LogFormat {
    static final String JSON_RESOURCE = "/logback-json.xml";

    private LogFormat() {
    }

    /** @return a warning to log, or null */
    static String apply(LogConfig log) {
        if (!log.json()) {
            return null;
        }
        if (System.getProperty("logback.configurationFile") != null) {
            return "log.format=json ignored: -Dlogback.configurationFile=" + System.getProperty(
                    "logback.configurationFile") + " chooses the log configuration";
        }
        ILoggerFactory factory = LoggerFactory.getILoggerFactory();
        URL json = LogFormat.class.getResource(JSON_RESOURCE);
        if (!(factory instanceof LoggerContext context) || json == null) {
            return "log.format=json ignored: Logback or " + JSON_RESOURCE + " not found on the class path";
        }
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        context.reset();
        try {
            configurator.doConfigure(json);
        } catch (JoranException e) {
            return "log.format=json failed: " + e.getMessage();
        }
        return null;
    }
}
