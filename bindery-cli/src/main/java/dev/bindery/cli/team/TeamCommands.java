package dev.bindery.cli.team;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bindery.cli.ApiCommand;
import dev.bindery.cli.ClientContext;
import dev.bindery.cli.ClientGroup;
import dev.bindery.cli.CommandGroup;
import dev.bindery.cli.failure.ExitCodes;
import dev.bindery.cli.http.ApiRequest;
import dev.bindery.cli.http.Json;
import dev.bindery.cli.output.Columns;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code bindery team ...}: teams own identities; operators are members of teams; a team's webhooks receive the
 * notifications about its identities.
 */
@Command(name = "team", description = "Create and list teams, and manage their webhooks.",
    subcommands = {TeamCommands.Create.class, TeamCommands.ListTeams.class, TeamCommands.Webhooks.class})
public final class TeamCommands extends ClientGroup {
  public TeamCommands(ClientContext context) {
    super(context);
  }

  @Command(name = "create", description = "Create a team (POST /api/v1/teams; admin).")
  static final class Create extends ApiCommand {
    @Parameters(paramLabel = "ID", description = "Team id, e.g. payments.")
    String id;

    @Option(names = "--display-name", required = true, paramLabel = "NAME", description = "Human name.")
    String displayName;

    @Override
    protected int run() {
      ObjectNode body = Json.object();
      body.put("id", id);
      body.put("display_name", displayName);
      printer().resource(api().send(ApiRequest.post("teams").body(body)).json());
      return ExitCodes.OK;
    }
  }

  @Command(name = "list", description = "List teams (GET /api/v1/teams).")
  static final class ListTeams extends ApiCommand {
    @Override
    protected int run() {
      printer().list(api().send(ApiRequest.get("teams")).json(), Columns.TEAMS);
      return ExitCodes.OK;
    }
  }

  @Command(name = "webhook", description = "Webhooks that receive the notifications about a team's identities.",
      subcommands = {WebhookAdd.class, WebhookList.class, WebhookRemove.class})
  static final class Webhooks extends CommandGroup {
  }

  @Command(name = "add", description = {
      "Register a webhook for a team (POST /api/v1/teams/{team}/webhooks; admin or member of the team, with a"
          + " fresh step-up).",
      "The URL must be https. The signing secret is printed once: Bindery keeps it sealed and signs every"
          + " notification with it (header Bindery-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret,"
          + " t + \".\" + body)>)."})
  static final class WebhookAdd extends ApiCommand {
    @Parameters(index = "0", paramLabel = "TEAM", description = "Team id.")
    String team;

    @Parameters(index = "1", paramLabel = "URL", description = "Where notifications are posted (https://...).")
    String url;

    @Override
    protected int run() {
      ObjectNode body = Json.object();
      body.put("url", url);
      printer().resource(api().send(ApiRequest.post("teams", team, "webhooks").body(body)).json());
      printer().note("the webhook secret is shown only this once: store it where the receiver verifies signatures");
      return ExitCodes.OK;
    }
  }

  @Command(name = "list", description = "List a team's webhooks (GET /api/v1/teams/{team}/webhooks); never secrets.")
  static final class WebhookList extends ApiCommand {
    @Parameters(paramLabel = "TEAM", description = "Team id.")
    String team;

    @Override
    protected int run() {
      printer().list(api().send(ApiRequest.get("teams", team, "webhooks")).json(), Columns.WEBHOOKS);
      return ExitCodes.OK;
    }
  }

  @Command(name = "remove", description = {
      "Remove a webhook (DELETE /api/v1/teams/{team}/webhooks/{id}; admin or member, with a fresh step-up).",
      "Its pending notifications are cancelled; the team's other webhooks are told."})
  static final class WebhookRemove extends ApiCommand {
    @Parameters(index = "0", paramLabel = "TEAM", description = "Team id.")
    String team;

    @Parameters(index = "1", paramLabel = "WEBHOOK_ID", description = "Webhook id (whk_...).")
    String webhookId;

    @Override
    protected int run() {
      api().send(ApiRequest.delete("teams", team, "webhooks", webhookId));
      printer().done("webhook " + webhookId + " removed");
      return ExitCodes.OK;
    }
  }
}
