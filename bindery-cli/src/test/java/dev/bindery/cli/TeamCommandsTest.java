package dev.bindery.cli;

import static dev.bindery.cli.JsonAssert.assertSameJson;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
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

  @Test
  void webhookAdd_postsTheUrlPrintsTheSecretOnceAndSaysSo() {
    server.replyJson("POST", "/api/v1/teams/payments/webhooks", 201, """
        {"id":"whk_1","team":"payments","url":"https://hooks.example.com/x","created_at":"c","created_by":"op_1",
         "secret":"bnd_whs_abc"}""");

    CliRun run = CliRun.against(server, "team", "webhook", "add", "payments", "https://hooks.example.com/x");

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(server.onlyRequest().method()).isEqualTo("POST");
    assertSameJson(server.onlyRequest().body(), "{\"url\":\"https://hooks.example.com/x\"}");
    assertThat(run.out()).containsPattern("(?m)^secret +bnd_whs_abc$");
    assertThat(run.err()).contains("shown only this once");
  }

  @Test
  void webhookAdd_badUrl400_exit1WithTheServersReason() {
    server.replyProblem("POST", "/api/v1/teams/payments/webhooks", 400, "invalid_field", "'url' must use https");

    CliRun run = CliRun.against(server, "team", "webhook", "add", "payments", "http://hooks.example.com/x");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains("error: invalid_field: 'url' must use https");
  }

  @Test
  void webhookList_printsTableWithoutSecrets() {
    server.replyJson("GET", "/api/v1/teams/payments/webhooks", 200, """
        {"items":[{"id":"whk_1","team":"payments","url":"https://h.example/x","created_by":"op_1","created_at":"c"}]}""");

    CliRun run = CliRun.against(server, "team", "webhook", "list", "payments");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out().lines()).containsExactly("ID     TEAM      URL                  CREATED_BY  CREATED_AT",
        "whk_1  payments  https://h.example/x  op_1        c");
  }

  @Test
  void webhookRemove_deletes204AndConfirms() {
    server.reply("DELETE", "/api/v1/teams/payments/webhooks/whk_1", new FakeBinderyServer.Reply(204, null, "",
        Map.of()));

    CliRun run = CliRun.against(server, "team", "webhook", "remove", "payments", "whk_1");

    assertThat(run.exitCode()).isZero();
    assertThat(server.onlyRequest().method()).isEqualTo("DELETE");
    assertThat(run.out()).isEqualTo("webhook whk_1 removed" + System.lineSeparator());
  }

  @Test
  void webhook_withoutSubcommand_usageError() {
    CliRun run = CliRun.against(server, "team", "webhook");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("missing subcommand").contains("add").contains("remove");
    assertThat(server.received()).isEmpty();
  }
}
