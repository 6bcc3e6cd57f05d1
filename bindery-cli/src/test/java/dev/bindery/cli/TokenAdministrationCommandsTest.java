package dev.bindery.cli;

import static dev.bindery.cli.JsonAssert.assertSameJson;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bindery.cli.failure.ExitCodes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code bindery resource-server create|list}, {@code bindery token-policy get|set}, and the operator forms of
 * {@code bindery token revoke} ({@code --id JTI}, {@code --identity ID}).
 */
class TokenAdministrationCommandsTest {
  private static final String POLICY = "{\"identity_id\":\"nhi_abc\",\"allow_unbound_tokens\":true,"
      + "\"token_lifetime_seconds\":120,\"effective_token_lifetime_seconds\":120,\"updated_by\":\"op_1\","
      + "\"updated_at\":\"t\",\"version\":1}";
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
  void resourceServerCreate_postsAudienceAndName() {
    server.replyJson("POST", "/api/v1/resource-servers", 201, "{\"audience\":\"https://orders.example\","
        + "\"name\":\"Orders\",\"created_by\":\"op_1\",\"created_at\":\"t\"}");

    CliRun run = CliRun.against(server, "resource-server", "create", "https://orders.example", "--name", "Orders");

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(server.onlyRequest().header("Authorization")).isEqualTo("Bearer " + ClientTestData.TOKEN);
    assertSameJson(server.onlyRequest().body(), "{\"audience\":\"https://orders.example\",\"name\":\"Orders\"}");
    assertThat(run.out()).containsPattern("(?m)^audience +https://orders.example$");
  }

  @Test
  void resourceServerCreate_withIdentity_sendsIdentityId() {
    server.replyJson("POST", "/api/v1/resource-servers", 201, "{\"audience\":\"https://orders.example\","
        + "\"name\":\"Orders\",\"identity_id\":\"nhi_rs\",\"created_by\":\"op_1\",\"created_at\":\"t\"}");

    CliRun run = CliRun.against(server, "resource-server", "create", "https://orders.example", "--name", "Orders",
        "--identity", "nhi_rs");

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertSameJson(server.onlyRequest().body(),
        "{\"audience\":\"https://orders.example\",\"name\":\"Orders\",\"identity_id\":\"nhi_rs\"}");
    assertThat(run.out()).containsPattern("(?m)^identity_id +nhi_rs$");
  }

  @Test
  void resourceServerCreate_exists409_exit1WithTheCode() {
    server.replyProblem("POST", "/api/v1/resource-servers", 409, "resource_server_exists", "already registered");

    CliRun run = CliRun.against(server, "resource-server", "create", "https://orders.example", "--name", "Orders");

    assertThat(run.exitCode()).isEqualTo(ExitCodes.REFUSED);
    assertThat(run.err()).contains("error: resource_server_exists: already registered");
  }

  @Test
  void resourceServerList_printsTable() {
    server.replyJson("GET", "/api/v1/resource-servers", 200, "{\"items\":[{\"audience\":\"https://a.example\","
        + "\"name\":\"A\",\"identity_id\":\"nhi_rs\",\"created_by\":\"op_1\",\"created_at\":\"t\"}]}");

    CliRun run = CliRun.against(server, "resource-server", "list");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out().lines()).containsExactly("AUDIENCE           NAME  IDENTITY_ID  CREATED_BY  CREATED_AT",
        "https://a.example  A     nhi_rs       op_1        t");
  }

  @Test
  void tokenPolicyGet_readsThePolicy() {
    server.replyJson("GET", "/api/v1/identities/nhi_abc/token-policy", 200, POLICY);

    CliRun run = CliRun.against(server, "token-policy", "get", "nhi_abc", "--output", "json");

    assertThat(run.exitCode()).isZero();
    assertSameJson(run.out(), POLICY);
  }

  @Test
  void tokenPolicySet_putsBothFields_lifetimeNullWhenNotGiven() {
    server.replyJson("PUT", "/api/v1/identities/nhi_abc/token-policy", 200, POLICY);

    CliRun withLifetime = CliRun.against(server, "token-policy", "set", "nhi_abc", "--allow-unbound-tokens", "true",
        "--lifetime-seconds", "120");
    CliRun withoutLifetime = CliRun.against(server, "token-policy", "set", "nhi_abc", "--allow-unbound-tokens",
        "false");

    assertThat(withLifetime.exitCode()).as(withLifetime.err()).isZero();
    assertThat(withoutLifetime.exitCode()).as(withoutLifetime.err()).isZero();
    assertSameJson(server.received().get(0).body(), "{\"allow_unbound_tokens\":true,\"token_lifetime_seconds\":120}");
    assertSameJson(server.received().get(1).body(),
        "{\"allow_unbound_tokens\":false,\"token_lifetime_seconds\":null}");
  }

  @Test
  void tokenPolicySet_withoutAllowUnbound_usageError_noRequest() {
    CliRun run = CliRun.against(server, "token-policy", "set", "nhi_abc");

    assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(server.received()).isEmpty();
  }

  // ---- token revoke, operator forms ----------------------------------------------------------------------

  @Test
  void tokenRevokeById_postsTheReasonWithTheOperatorToken_printsTheRevocation() {
    server.replyJson("POST", "/api/v1/tokens/tok_abc/revoke", 200,
        "{\"jti\":\"tok_abc\",\"revoked_at\":\"2026-12-01T10:00:00.000Z\"}");

    CliRun run = CliRun.against(server, "token", "revoke", "--id", "tok_abc", "--reason", "seen in a log");

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(server.onlyRequest().header("Authorization")).isEqualTo("Bearer " + ClientTestData.TOKEN);
    assertSameJson(server.onlyRequest().body(), "{\"reason\":\"seen in a log\"}");
    assertThat(run.out()).isEqualTo("token tok_abc revoked at 2026-12-01T10:00:00.000Z\n");
  }

  @Test
  void tokenRevokeByIdentity_postsToTheIdentity_jsonOutputIsTheAnswer() {
    String answer = "{\"identity_id\":\"nhi_abc\",\"revoked_at\":\"2026-12-01T10:00:00.000Z\"}";
    server.replyJson("POST", "/api/v1/identities/nhi_abc/tokens/revoke", 200, answer);

    CliRun run = CliRun.against(server, "token", "revoke", "--identity", "nhi_abc", "--reason", "incident",
        "--output", "json");

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertSameJson(server.onlyRequest().body(), "{\"reason\":\"incident\"}");
    assertSameJson(run.out(), answer);
  }

  @Test
  void tokenRevokeByIdentity_tableSaysWhichTokensAreRevoked() {
    server.replyJson("POST", "/api/v1/identities/nhi_abc/tokens/revoke", 200,
        "{\"identity_id\":\"nhi_abc\",\"revoked_at\":\"2026-12-01T10:00:00.000Z\"}");

    CliRun run = CliRun.against(server, "token", "revoke", "--identity", "nhi_abc", "--reason", "incident");

    assertThat(run.out()).isEqualTo("every token of nhi_abc issued at or before 2026-12-01T10:00:00.000Z is revoked\n");
  }

  @Test
  void tokenRevokeById_forbidden_exit1WithTheCode() {
    server.replyProblem("POST", "/api/v1/tokens/tok_abc/revoke", 403, "forbidden", "only an admin or a security"
        + " officer may revoke an access token by its id");

    CliRun run = CliRun.against(server, "token", "revoke", "--id", "tok_abc", "--reason", "x");

    assertThat(run.exitCode()).isEqualTo(ExitCodes.REFUSED);
    assertThat(run.err()).contains("error: forbidden: only an admin or a security officer");
  }

  @Test
  void tokenRevoke_zeroOrSeveralForms_usageErrorNoRequest() {
    for (String[] args : new String[][] {
        {"token", "revoke", "--reason", "x"},
        {"token", "revoke", "--id", "tok_abc", "--identity", "nhi_abc", "--reason", "x"},
        {"token", "revoke", "a.b.c", "--id", "tok_abc", "--reason", "x"}}) {
      CliRun run = CliRun.against(server, args);
      assertThat(run.exitCode()).as(String.join(" ", args)).isEqualTo(ExitCodes.USAGE);
      assertThat(run.err()).contains("give exactly one of TOKEN (with --key and --cert), --id JTI or --identity ID");
    }
    assertThat(server.received()).isEmpty();
  }

  @Test
  void tokenRevokeById_withoutReasonOrWithACertificate_usageErrorNoRequest() {
    CliRun noReason = CliRun.against(server, "token", "revoke", "--id", "tok_abc");
    CliRun withCert = CliRun.against(server, "token", "revoke", "--id", "tok_abc", "--reason", "x", "--key", "k.pem",
        "--cert", "c.pem");

    assertThat(noReason.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(noReason.err()).contains("--reason is required with --id and --identity");
    assertThat(withCert.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(withCert.err()).contains("--key and --cert go with TOKEN");
    assertThat(server.received()).isEmpty();
  }

  @Test
  void tokenRevokeByValueWithoutCertificate_usageErrorPointsAtTheOperatorForms_neverEchoesTheToken() {
    String jwt = "eyJ0eXAiOiJhdCtqd3QifQ.eyJzdWIiOiJuaGlfYWJjIn0.c2lnbmF0dXJl";

    CliRun run = CliRun.against(server, "token", "revoke", jwt);

    assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(run.err()).contains("--id JTI").contains("bindery leak report");
    assertThat(run.all()).doesNotContain(jwt).doesNotContain("c2lnbmF0dXJl");
    assertThat(server.received()).isEmpty();
  }
}
