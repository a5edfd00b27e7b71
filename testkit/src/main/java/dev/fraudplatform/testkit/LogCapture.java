package dev.fraudplatform.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.Property;

/**
 * Keeps, in memory, every log4j event at or above a level that reaches the root logger while it is open, for tests
 * that assert what was logged. Open it before the action and close it after (try-with-resources); {@link #events()}
 * is a snapshot, safe to call from any thread at any time.
 */
public final class LogCapture implements AutoCloseable {
    /** One captured event: its level, logger, formatted message, and the class of its throwable (null: none). */
    public record Line(Level level, String logger, String message, String thrown) {
        @Override
        public String toString() {
            return level + " " + logger + " - " + message + (thrown == null ? "" : " [" + thrown + "]");
        }
    }

    private final List<Line> lines = new ArrayList<>();
    private final LoggerContext context;
    private final Appender appender;

    private LogCapture(Level level) {
        context = (LoggerContext) LogManager.getContext(false);
        appender = new Appender("capture-" + UUID.randomUUID());
        appender.start();
        Configuration cfg = context.getConfiguration();
        cfg.addAppender(appender);
        cfg.getRootLogger().addAppender(appender, level, null);
        context.updateLoggers();
    }

    /** Starts capturing events at {@code level} or above. */
    public static LogCapture of(Level level) {
        return new LogCapture(level);
    }

    /** The events captured so far, in order. */
    public List<Line> events() {
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }

    @Override
    public void close() {
        Configuration cfg = context.getConfiguration();
        cfg.getRootLogger().removeAppender(appender.getName());
        context.updateLoggers();
        appender.stop();
    }

    private final class Appender extends AbstractAppender {
        Appender(String name) {
            super(name, null, null, true, Property.EMPTY_ARRAY);
        }

        @Override
        public void append(LogEvent event) {
            Line line = new Line(
                    event.getLevel(),
                    event.getLoggerName(),
                    event.getMessage().getFormattedMessage(),
                    event.getThrown() == null
                            ? null
                            : event.getThrown().getClass().getName());
            synchronized (lines) {
                lines.add(line);
            }
        }
    }
}
