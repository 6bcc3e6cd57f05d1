package dev.bindery.cli;

import static dev.bindery.cli.JsonAssert.assertSameJson;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TeamCommandsTest {
  private FakeBinderyServer server;

  @BeforeEach
  void start() throws Exception {
    server = FakeBinderyServer.http();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void create_postsIdAndDisplayName() {
    server.replyJson("POST", "/api/v1/teams", 201,
        "{\"id\":\"payments\",\"display_name\":\"Payments\",\"created_at\":\"2026-11-23T19:40:00.123Z\"}");

    CliRun run = CliRun.against(server, "team", "create", "payments", "--display-name", "Payments");

    assertThat(run.exitCode()).isZero();
    assertThat(server.onlyRequest().method()).isEqualTo("POST");
    assertSameJson(server.onlyRequest().body(), "{\"id\":\"payments\",\"display_name\":\"Payments\"}");
    assertThat(run.out()).containsPattern("(?m)^display_name +Payments$");
  }

  @Test
  void create_existingTeam409_exit1() {
    server.replyProblem("POST", "/api/v1/teams", 409, "team_exists", "team payments exists");

    CliRun run = CliRun.against(server, "team", "create", "payments", "--display-name", "Payments");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains("error: team_exists: team payments exists");
  }

  @Test
  void list_printsTable() {
    server.replyJson("GET", "/api/v1/teams", 200,
        "{\"items\":[{\"id\":\"payments\",\"display_name\":\"Payments\",\"created_at\":\"t\"}]}");

    CliRun run = CliRun.against(server, "team", "list");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out().lines()).containsExactly("ID        DISPLAY_NAME  CREATED_AT", "payments  Payments      t");
  }
}
