package dev.bindery.cli;

import java.io.InputStream;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * What the client commands take from the process rather than from their options: the environment
 * variables ({@code BINDERY_SERVER}, {@code BINDERY_CA_FILE}, {@code BINDERY_TOKEN},
 * {@code BINDERY_TOKEN_FILE}, {@code BINDERY_ENROLMENT_CODE}), standard input (for values that should not
 * appear on a command line) and network time limits. Tests pass their own.
 */
public record ClientContext(Map<String, String> environment, Duration connectTimeout, Duration requestTimeout,
    InputStream stdin) {
  public ClientContext {
    environment = Map.copyOf(environment);
    Objects.requireNonNull(connectTimeout);
    Objects.requireNonNull(requestTimeout);
    Objects.requireNonNull(stdin);
  }

  /** A context reading the process's standard input. */
  public ClientContext(Map<String, String> environment, Duration connectTimeout, Duration requestTimeout) {
    this(environment, connectTimeout, requestTimeout, System.in);
  }

  /** The real process environment, 10 s to connect, 60 s for the response headers to arrive. */
  public static ClientContext fromSystem() {
    return new ClientContext(System.getenv(), Duration.ofSeconds(10), Duration.ofSeconds(60));
  }

  /** A context with the given environment and the default time limits. */
  public static ClientContext withEnvironment(Map<String, String> environment) {
    return new ClientContext(environment, Duration.ofSeconds(10), Duration.ofSeconds(60));
  }

  /** The value of an environment variable, or null when it is unset or blank. */
  public String env(String name) {
    String value = environment.get(name);
    return value == null || value.isBlank() ? null : value;
  }
}
