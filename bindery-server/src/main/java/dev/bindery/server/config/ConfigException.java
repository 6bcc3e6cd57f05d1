package dev.bindery.server.config;

/** The configuration is unusable; the message names the key and says what is expected. Safe to print. */
public final class ConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ConfigException(String message) {
    super(message);
  }

  public ConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
