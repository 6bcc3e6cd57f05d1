package dev.bindery.server.http;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * The log events of one logger while this is open, for tests that check what is (and is not) logged. Closing detaches
 * the appender and restores the logger's level; the events stay readable afterwards.
 */
final class CapturedLogs implements AutoCloseable {
  private final Logger logger;
  private final Level level;
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

  private CapturedLogs(Logger logger, Level level) {
    this.logger = logger;
    this.level = logger.getLevel();
    if (level != null) {
      logger.setLevel(level);
    }
    appender.start();
    logger.addAppender(appender);
  }

  /** Everything logged anywhere, DEBUG included. */
  static CapturedLogs all() {
    return new CapturedLogs((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME), Level.DEBUG);
  }

  /** What {@code type}'s logger writes at its configured level. */
  static CapturedLogs of(Class<?> type) {
    return new CapturedLogs((Logger) LoggerFactory.getLogger(type), null);
  }

  List<ILoggingEvent> events() {
    return appender.list;
  }

  @Override
  public void close() {
    logger.detachAppender(appender);
    logger.setLevel(level);
  }
}
