package dev.bindery.cli.notification;

import dev.bindery.cli.ApiCommand;
import dev.bindery.cli.ClientContext;
import dev.bindery.cli.ClientGroup;
import dev.bindery.cli.failure.ExitCodes;
import dev.bindery.cli.PageOptions;
import dev.bindery.cli.http.ApiRequest;
import dev.bindery.cli.output.Columns;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code bindery notification ...}: what was sent to the owners' webhooks, and whether it arrived. */
@Command(name = "notification", description = "Notifications to the owners of identities and their delivery.",
    subcommands = NotificationCommands.ListNotifications.class)
public final class NotificationCommands extends ClientGroup {
  public NotificationCommands(ClientContext context) {
    super(context);
  }

  /** Whose notifications: exactly one of an identity and a team. */
  static final class Subject {
    @Option(names = "--identity", required = true, paramLabel = "IDENTITY_ID", description = "Identity id (nhi_...).")
    String identity;

    @Option(names = "--team", required = true, paramLabel = "TEAM", description = "Team id.")
    String team;
  }

  @Command(name = "list", description = {
      "List notifications, newest first, with their delivery state (GET /api/v1/notifications).",
      "An identity's: admin, security officer, auditor or owner. A team's: the same roles or a member."})
  static final class ListNotifications extends ApiCommand {
    @ArgGroup(exclusive = true, multiplicity = "1")
    Subject subject;

    @Mixin PageOptions page;

    @Override
    protected int run() {
      ApiRequest request = ApiRequest.get("notifications").query("identity", subject.identity)
          .query("team", subject.team);
      printer().list(api().send(page.applyTo(request)).json(), Columns.NOTIFICATIONS);
      return ExitCodes.OK;
    }
  }
}
