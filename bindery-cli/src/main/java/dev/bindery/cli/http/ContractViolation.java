package dev.bindery.cli.http;

import dev.bindery.cli.failure.CliFailure;
import dev.bindery.cli.failure.ExitCodes;

/** The server answered in a way the API contract does not allow; reported like a server error (exit 4). */
public final class ContractViolation extends CliFailure {
  private static final long serialVersionUID = 1L;

  public ContractViolation(String message) {
    super(ExitCodes.SERVER_ERROR, message);
  }
}
