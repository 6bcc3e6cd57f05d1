package dev.bindery.cli.http;

import dev.bindery.cli.failure.CliFailure;
import dev.bindery.cli.failure.ExitCodes;

/** No answer: connection refused or timed out, name not resolved, or the TLS handshake failed; exit 3. */
public final class ServerUnreachable extends CliFailure {
  private static final long serialVersionUID = 1L;

  ServerUnreachable(String message, Throwable cause) {
    super(ExitCodes.UNREACHABLE, message, cause);
  }
}
