package dev.bindery.cli;

import static dev.bindery.cli.JsonAssert.assertSameJson;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code bindery resource-server create|list} and {@code bindery token-policy get|set}. */
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
  void resourceServerCreate_exists409_exit1WithTheCode() {
    server.replyProblem("POST", "/api/v1/resource-servers", 409, "resource_server_exists", "already registered");

    CliRun run = CliRun.against(server, "resource-server", "create", "https://orders.example", "--name", "Orders");

    assertThat(run.exitCode()).isEqualTo(ExitCodes.REFUSED);
    assertThat(run.err()).contains("error: resource_server_exists: already registered");
  }

  @Test
  void resourceServerList_printsTable() {
    server.replyJson("GET", "/api/v1/resource-servers", 200, "{\"items\":[{\"audience\":\"https://a.example\","
        + "\"name\":\"A\",\"created_by\":\"op_1\",\"created_at\":\"t\"}]}");

    CliRun run = CliRun.against(server, "resource-server", "list");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out().lines()).containsExactly("AUDIENCE           NAME  CREATED_BY  CREATED_AT",
        "https://a.example  A     op_1        t");
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
}
