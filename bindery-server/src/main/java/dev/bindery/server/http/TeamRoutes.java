package dev.bindery.server.http;

import static dev.bindery.server.http.BodySpec.Type.STRING;
import static dev.bindery.server.http.BodySpec.required;

import dev.bindery.identity.TeamId;
import dev.bindery.operator.OperatorService;
import dev.bindery.operator.Team;
import java.util.List;

/** {@code /api/v1/teams}: the teams that own identities. A team's id is chosen by the admin who creates it. */
public final class TeamRoutes {
  private static final String BASE = "/api/v1/teams";
  private final OperatorService operators;

  public TeamRoutes(OperatorService operators) {
    this.operators = operators;
  }

  public List<Route> routes() {
    return List.of(
        Route.post(BASE, "createTeam").tag("teams").access(Access.ADMIN).status(201).summary("Create a team")
            .body(BodySpec.of(required("id", STRING, "team id: 2-63 of a-z, 0-9, '-'"),
                required("display_name", STRING, "display name")))
            .handle(this::create),
        Route.get(BASE, "listTeams").tag("teams").summary("List teams").handle(this::list));
  }

  private void create(Call call) {
    Body b = call.body();
    Team team = operators.createTeam(call.caller(), TeamId.parse("id", b.string("id")), b.string("display_name"));
    call.ctx().header("Location", BASE + "/" + team.id().value());
    call.json(201, Views.team(team));
  }

  private void list(Call call) {
    call.json(Views.items(operators.teams(call.caller()), Views::team));
  }
}
