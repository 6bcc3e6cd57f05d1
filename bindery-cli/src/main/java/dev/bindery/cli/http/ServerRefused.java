package dev.bindery.cli.http;

import dev.bindery.cli.failure.CliFailure;
import dev.bindery.cli.failure.ExitCodes;

/** The server refused the request with a 4xx problem; exit code 1. */
public final class ServerRefused extends CliFailure {
  private static final long serialVersionUID = 1L;
  private final transient Problem problem;

  ServerRefused(Problem problem) {
    super(ExitCodes.REFUSED, problem.describe());
    this.problem = problem;
  }

  public Problem problem() {
    return problem;
  }
}
