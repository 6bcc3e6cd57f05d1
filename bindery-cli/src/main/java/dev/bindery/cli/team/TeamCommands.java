package dev.bindery.cli.team;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bindery.cli.ApiCommand;
import dev.bindery.cli.ClientContext;
import dev.bindery.cli.ClientGroup;
import dev.bindery.cli.ExitCodes;
import dev.bindery.cli.http.ApiRequest;
import dev.bindery.cli.http.Json;
import dev.bindery.cli.output.Columns;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code bindery team ...}: teams own identities; operators are members of teams. */
@Command(name = "team", description = "Create and list teams.",
    subcommands = {TeamCommands.Create.class, TeamCommands.ListTeams.class})
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
}
