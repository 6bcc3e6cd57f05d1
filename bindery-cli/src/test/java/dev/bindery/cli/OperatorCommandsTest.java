package dev.bindery.cli;

import static dev.bindery.cli.JsonAssert.assertSameJson;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bindery.cli.FakeBinderyServer.Received;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OperatorCommandsTest {
  private static final String ISSUED_VALUE = "bnd_op_NewlyIssuedValue123";
  private static final String ISSUED_TOKEN = """
      {"id":"tok_1","operator_id":"op_1","description":"ci","created_at":"2026-11-23T19:40:00.123Z",
       "expires_at":"2027-02-21T19:40:00.123Z","revoked_at":null,"last_used_at":null,"value":"%s"}"""
      .formatted(ISSUED_VALUE);

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
  void me_getsCallerAndPrintsFields() {
    server.replyJson("GET", "/api/v1/operators/me", 200, ClientTestData.OPERATOR);

    CliRun run = CliRun.against(server, "operator", "me");

    assertThat(run.exitCode()).isZero();
    assertThat(server.onlyRequest().header("Authorization")).isEqualTo("Bearer " + ClientTestData.TOKEN);
    assertThat(run.out()).containsPattern("(?m)^roles +admin$").containsPattern("(?m)^id +op_1$");
  }

  @Test
  void create_postsOperatorAndPrintsIssuedTokenOnceWithNotice() {
    server.replyJson("POST", "/api/v1/operators", 201,
        "{\"operator\":" + ClientTestData.OPERATOR + ",\"token\":" + ISSUED_TOKEN + "}");

    CliRun run = CliRun.against(server, "operator", "create", "--name", "alice", "--role", "admin",
        "--role", "supervisor", "--team", "payments", "--token-expires-in-days", "30");

    assertThat(run.exitCode()).isZero();
    Received request = server.onlyRequest();
    assertThat(request.pathAndQuery()).isEqualTo("/api/v1/operators");
    assertSameJson(request.body(), """
        {"name":"alice","roles":["admin","supervisor"],"teams":["payments"],"token_expires_in_days":30}""");
    assertThat(run.out()).containsPattern("(?m)^value +" + ISSUED_VALUE + "$");
    assertThat(run.out().split(ISSUED_VALUE, -1)).hasSize(2);
    assertThat(run.err()).contains("shown only this once");
    assertThat(run.all()).doesNotContain(ClientTestData.TOKEN);
  }

  @Test
  void create_jsonOutput_printsServerAnswerIncludingValue() {
    server.replyJson("POST", "/api/v1/operators", 201,
        "{\"operator\":" + ClientTestData.OPERATOR + ",\"token\":" + ISSUED_TOKEN + "}");

    CliRun run = CliRun.against(server, "operator", "create", "--name", "alice", "-o", "json");

    assertThat(run.exitCode()).isZero();
    assertSameJson(server.onlyRequest().body(), "{\"name\":\"alice\"}");
    assertSameJson(run.out(), "{\"operator\":" + ClientTestData.OPERATOR + ",\"token\":" + ISSUED_TOKEN + "}");
  }

  @Test
  void list_pagesOperators() {
    server.replyJson("GET", "/api/v1/operators", 200,
        "{\"items\":[" + ClientTestData.OPERATOR + "],\"next_cursor\":null}");

    CliRun run = CliRun.against(server, "operator", "list", "--limit", "5");

    assertThat(run.exitCode()).isZero();
    assertThat(server.onlyRequest().pathAndQuery()).isEqualTo("/api/v1/operators?limit=5");
    assertThat(run.out().lines()).containsExactly(
        "ID    NAME   ROLES  TEAMS     STATUS  VERSION",
        "op_1  alice  admin  payments  active  3");
  }

  @Test
  void get_getsOneOperator() {
    server.replyJson("GET", "/api/v1/operators/op_1", 200, ClientTestData.OPERATOR, Map.of("ETag", "\"3\""));

    CliRun run = CliRun.against(server, "operator", "get", "op_1");

    assertThat(run.exitCode()).isZero();
    assertThat(server.onlyRequest().method()).isEqualTo("GET");
  }

  @Test
  void grant_withoutVersion_readsEtagThenPostsRoleWithIfMatch() {
    server.replyJson("GET", "/api/v1/operators/op_1", 200, ClientTestData.OPERATOR, Map.of("ETag", "\"3\""));
    server.replyJson("POST", "/api/v1/operators/op_1/roles", 200, ClientTestData.OPERATOR);

    CliRun run = CliRun.against(server, "operator", "grant", "op_1", "security_officer");

    assertThat(run.exitCode()).isZero();
    List<Received> requests = server.received();
    assertThat(requests).extracting(Received::method).containsExactly("GET", "POST");
    assertThat(requests.get(1).header("If-Match")).isEqualTo("\"3\"");
    assertSameJson(requests.get(1).body(), "{\"role\":\"security_officer\"}");
  }

  @Test
  void revokeRole_deletesWithIfMatchAndNoBody() {
    server.replyJson("DELETE", "/api/v1/operators/op_1/roles/admin", 200, ClientTestData.OPERATOR);

    CliRun run = CliRun.against(server, "operator", "revoke-role", "op_1", "admin", "--version", "3");

    assertThat(run.exitCode()).isZero();
    Received request = server.onlyRequest();
    assertThat(request.method()).isEqualTo("DELETE");
    assertThat(request.header("If-Match")).isEqualTo("\"3\"");
    assertThat(request.header("Content-Type")).isNull();
    assertThat(request.body()).isEmpty();
  }

  @Test
  void addTeam_postsTeam() {
    server.replyJson("POST", "/api/v1/operators/op_1/teams", 200, ClientTestData.OPERATOR);

    CliRun run = CliRun.against(server, "operator", "add-team", "op_1", "ml", "--version", "3");

    assertThat(run.exitCode()).isZero();
    assertThat(server.onlyRequest().header("If-Match")).isEqualTo("\"3\"");
    assertSameJson(server.onlyRequest().body(), "{\"team\":\"ml\"}");
  }

  @Test
  void removeTeam_deletesTeamWithIfMatch() {
    server.replyJson("DELETE", "/api/v1/operators/op_1/teams/ml", 200, ClientTestData.OPERATOR);

    CliRun run = CliRun.against(server, "operator", "remove-team", "op_1", "ml", "--version", "4");

    assertThat(run.exitCode()).isZero();
    assertThat(server.onlyRequest().header("If-Match")).isEqualTo("\"4\"");
  }

  @Test
  void disableAndEnable_postEmptyObjectWithIfMatch() {
    server.replyJson("POST", "/api/v1/operators/op_1/disable", 200, ClientTestData.OPERATOR);
    server.replyJson("POST", "/api/v1/operators/op_1/enable", 200, ClientTestData.OPERATOR);

    CliRun disable = CliRun.against(server, "operator", "disable", "op_1", "--version", "3");
    CliRun enable = CliRun.against(server, "operator", "enable", "op_1", "--version", "4");

    assertThat(disable.exitCode()).isZero();
    assertThat(enable.exitCode()).isZero();
    List<Received> requests = server.received();
    assertThat(requests).extracting(Received::pathAndQuery)
        .containsExactly("/api/v1/operators/op_1/disable", "/api/v1/operators/op_1/enable");
    assertThat(requests).extracting(r -> r.header("If-Match")).containsExactly("\"3\"", "\"4\"");
    assertSameJson(requests.get(0).body(), "{}");
  }

  @Test
  void tokenCreate_withoutOperatorId_looksUpCallerThenPostsAndPrintsValueOnce() {
    server.replyJson("GET", "/api/v1/operators/me", 200, ClientTestData.OPERATOR);
    server.replyJson("POST", "/api/v1/operators/op_1/tokens", 201, ISSUED_TOKEN);

    CliRun run = CliRun.against(server, "operator", "token-create", "--description", "ci", "--expires-in-days", "90");

    assertThat(run.exitCode()).isZero();
    List<Received> requests = server.received();
    assertThat(requests).extracting(Received::pathAndQuery)
        .containsExactly("/api/v1/operators/me", "/api/v1/operators/op_1/tokens");
    assertSameJson(requests.get(1).body(), "{\"description\":\"ci\",\"expires_in_days\":90}");
    assertThat(run.out()).containsPattern("(?m)^value +" + ISSUED_VALUE + "$");
    assertThat(run.err()).contains("shown only this once");
  }

  @Test
  void tokenCreate_forOtherOperator_postsDirectly() {
    server.replyJson("POST", "/api/v1/operators/op_2/tokens", 201, ISSUED_TOKEN);

    CliRun run = CliRun.against(server, "operator", "token-create", "op_2");

    assertThat(run.exitCode()).isZero();
    assertSameJson(server.onlyRequest().body(), "{}");
  }

  @Test
  void tokenList_listsTokensWithoutValues() {
    server.replyJson("GET", "/api/v1/operators/op_1/tokens", 200, """
        {"items":[{"id":"tok_1","operator_id":"op_1","description":"ci","created_at":"c","expires_at":"e",
          "revoked_at":null,"last_used_at":null}]}""");

    CliRun run = CliRun.against(server, "operator", "token-list", "op_1");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out().lines()).containsExactly(
        "ID     DESCRIPTION  CREATED_AT  EXPIRES_AT  REVOKED_AT  LAST_USED_AT",
        "tok_1  ci           c           e           -           -");
  }

  @Test
  void tokenRevoke_deletes204AndConfirms() {
    server.reply("DELETE", "/api/v1/operator-tokens/tok_1", new FakeBinderyServer.Reply(204, null, "", Map.of()));

    CliRun run = CliRun.against(server, "operator", "token-revoke", "tok_1");

    assertThat(run.exitCode()).isZero();
    assertThat(server.onlyRequest().method()).isEqualTo("DELETE");
    assertThat(run.out()).isEqualTo("token tok_1 revoked" + System.lineSeparator());
  }

  @Test
  void tokenRevoke_unknownToken404_exit1() {
    server.replyProblem("DELETE", "/api/v1/operator-tokens/tok_x", 404, "token_not_found", "no such token");

    CliRun run = CliRun.against(server, "operator", "token-revoke", "tok_x");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains("error: token_not_found: no such token");
  }

  @Test
  void totpEnrol_postsEmptyObjectAndPrintsSecretOnceWithNotice() {
    server.replyJson("POST", "/api/v1/operators/me/totp", 201,
        "{\"secret\":\"JBSWY3DPEHPK3PXP\",\"otpauth_uri\":\"otpauth://totp/Bindery:alice?secret=JBSWY3DPEHPK3PXP\"}");

    CliRun run = CliRun.against(server, "operator", "totp-enrol");

    assertThat(run.exitCode()).isZero();
    assertSameJson(server.onlyRequest().body(), "{}");
    assertThat(run.out()).containsPattern("(?m)^secret +JBSWY3DPEHPK3PXP$");
    assertThat(run.err()).contains("shown only this once");
  }

  @Test
  void totpConfirm_postsCode() {
    server.reply("POST", "/api/v1/operators/me/totp/confirm", new FakeBinderyServer.Reply(204, null, "", Map.of()));

    CliRun run = CliRun.against(server, "operator", "totp-confirm", "123456");

    assertThat(run.exitCode()).isZero();
    assertSameJson(server.onlyRequest().body(), "{\"code\":\"123456\"}");
  }

  @Test
  void stepUp_postsCodeAndPrintsDeadline() {
    server.replyJson("POST", "/api/v1/operators/me/step-up", 200,
        "{\"step_up_valid_until\":\"2026-11-23T19:50:00.123Z\"}");

    CliRun run = CliRun.against(server, "operator", "step-up", "123456");

    assertThat(run.exitCode()).isZero();
    assertSameJson(server.onlyRequest().body(), "{\"code\":\"123456\"}");
    assertThat(run.out()).contains("step-up valid until 2026-11-23T19:50:00.123Z");
  }

  @Test
  void stepUp_replayedCode403_exit1() {
    server.replyProblem("POST", "/api/v1/operators/me/step-up", 403, "totp_replayed", "code already used");

    CliRun run = CliRun.against(server, "operator", "step-up", "123456");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains("error: totp_replayed: code already used");
  }
}
