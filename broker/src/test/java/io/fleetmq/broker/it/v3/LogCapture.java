package io.fleetmq.broker.it.v3;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/** Captures the broker's log events in-process (Logback), for "one WARN line per event" assertions. */
public final class LogCapture implements AutoCloseable {
    private final Logger logger;
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    private LogCapture(String loggerName) {
        this.logger = (Logger) LoggerFactory.getLogger(loggerName);
        appender.setName("it-v3-capture");
        appender.start();
        logger.addAppender(appender);
    }

    /** Every logger (root). */
    public static LogCapture all() {
        return new LogCapture(org.slf4j.Logger.ROOT_LOGGER_NAME);
    }

    /** WARN and ERROR events whose formatted message contains {@code text}. */
    public long warningsContaining(String text) {
        List<ILoggingEvent> copy;
        synchronized (appender) { // AppenderBase.doAppend appends under this lock
            copy = new ArrayList<>(appender.list);
        }
        return copy.stream()
                .filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
                .filter(e -> e.getFormattedMessage().contains(text))
                .count();
    }

    /** Events of any level whose formatted message contains {@code text}. */
    public long eventsContaining(String text) {
        List<ILoggingEvent> copy;
        synchronized (appender) {
            copy = new ArrayList<>(appender.list);
        }
        return copy.stream().filter(e -> e.getFormattedMessage().contains(text)).count();
    }

    @Override
    public void close() {
        logger.detachAppender(appender);
        appender.stop();
    }
}
