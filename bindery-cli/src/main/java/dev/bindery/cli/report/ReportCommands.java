package dev.bindery.cli.report;

import dev.bindery.cli.ApiCommand;
import dev.bindery.cli.ClientContext;
import dev.bindery.cli.ClientGroup;
import dev.bindery.cli.CommandGroup;
import dev.bindery.cli.failure.ExitCodes;
import dev.bindery.cli.http.ApiRequest;
import dev.bindery.cli.output.Columns;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bindery report ...}: what needs attention: credentials expiring, overdue for rotation, never or no
 * longer used, and identities without any usable credential ({@code /api/v1/reports}).
 */
@Command(name = "report", description = "Reports on credentials and identities that need attention.",
    subcommands = {ReportCommands.Credentials.class, ReportCommands.IdentitiesWithoutCredentials.class})
public final class ReportCommands extends ClientGroup {
  public ReportCommands(ClientContext context) {
    super(context);
  }

  @Command(name = "credentials", description = "Reports on credentials.",
      subcommands = {Expiring.class, Overdue.class, NeverUsed.class, Unused.class})
  static final class Credentials extends CommandGroup {
  }

  /** A credential report: GET /api/v1/reports/credentials/{name}, printed as a credential table. */
  abstract static class CredentialReport extends ApiCommand {
    protected int report(String name, Integer days) {
      printer().list(api().send(ApiRequest.get("reports", "credentials", name).query("days", days)).json(),
          Columns.CREDENTIALS);
      return ExitCodes.OK;
    }
  }

  @Command(name = "expiring", description = {
      "Credentials that expire within the next N days (GET /api/v1/reports/credentials/expiring)."})
  static final class Expiring extends CredentialReport {
    @Option(names = "--days", required = true, paramLabel = "N", description = "Look this many days ahead.")
    int days;

    @Override
    protected int run() {
      return report("expiring", days);
    }
  }

  @Command(name = "overdue", description = {
      "Credentials older than their rotation policy's rotate-after age"
          + " (GET /api/v1/reports/credentials/overdue)."})
  static final class Overdue extends CredentialReport {
    @Override
    protected int run() {
      return report("overdue", null);
    }
  }

  @Command(name = "never-used",
      description = "Credentials that were never used (GET /api/v1/reports/credentials/never-used).")
  static final class NeverUsed extends CredentialReport {
    @Override
    protected int run() {
      return report("never-used", null);
    }
  }

  @Command(name = "unused", description = {
      "Credentials not used for N days (GET /api/v1/reports/credentials/unused)."})
  static final class Unused extends CredentialReport {
    @Option(names = "--days", required = true, paramLabel = "N", description = "Unused for at least this many days.")
    int days;

    @Override
    protected int run() {
      return report("unused", days);
    }
  }

  @Command(name = "identities-without-credentials", description = {
      "Identities with no active credential (GET /api/v1/reports/identities/without-credentials)."})
  static final class IdentitiesWithoutCredentials extends ApiCommand {
    @Override
    protected int run() {
      printer().list(api().send(ApiRequest.get("reports", "identities", "without-credentials")).json(),
          Columns.IDENTITIES);
      return ExitCodes.OK;
    }
  }
}
