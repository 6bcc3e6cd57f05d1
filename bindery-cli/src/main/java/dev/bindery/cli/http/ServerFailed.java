package dev.bindery.cli.http;

import dev.bindery.cli.failure.CliFailure;
import dev.bindery.cli.failure.ExitCodes;

/** The server failed with a 5xx (or answered with a status the API never uses); exit code 4. */
public final class ServerFailed extends CliFailure {
  private static final long serialVersionUID = 1L;

  ServerFailed(Problem problem) {
    super(ExitCodes.SERVER_ERROR, "the server failed (status " + problem.status() + ")"
        + (problem.code() != null ? ": " + problem.code() : "")
        + (problem.requestId() != null ? " (request id " + problem.requestId() + ")" : ""));
  }
}
