package dev.bindery.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The options and environment every client command shares, and the exit codes scripts rely on. */
class ClientOptionsTest {
  private static final String ME = "/api/v1/operators/me";

  @TempDir Path dir;
  private FakeBinderyServer server;

  @BeforeEach
  void start() throws Exception {
    server = FakeBinderyServer.http();
    server.replyJson("GET", ME, 200, ClientTestData.OPERATOR);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void serverAndToken_fromEnvironment_used() {
    CliRun run = CliRun.run(Map.of("BINDERY_SERVER", server.url(), "BINDERY_TOKEN", "bnd_op_fromEnv"),
        "operator", "me");

    assertThat(run.exitCode()).isZero();
    assertThat(server.onlyRequest().header("Authorization")).isEqualTo("Bearer bnd_op_fromEnv");
  }

  @Test
  void serverOption_winsOverEnvironment() {
    CliRun run = CliRun.run(Map.of("BINDERY_SERVER", "http://127.0.0.1:1", "BINDERY_TOKEN", "bnd_op_fromEnv"),
        "operator", "me", "--server", server.url());

    assertThat(run.exitCode()).isZero();
    assertThat(server.received()).hasSize(1);
  }

  @Test
  void server_notGiven_defaultsToLocalhost8443() {
    ClientOptions options = new ClientOptions();

    assertThat(options.server(ClientContext.withEnvironment(Map.of())).toString())
        .isEqualTo("https://localhost:8443");
  }

  @Test
  void serverOption_notHttpUrl_usageError() {
    CliRun run = CliRun.run(Map.of("BINDERY_TOKEN", "bnd_op_x"), "operator", "me", "--server", "ftp://host");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("--server must be an https://");
  }

  @Test
  void tokenOption_winsOverEnvironmentToken() {
    CliRun run = CliRun.run(Map.of("BINDERY_SERVER", server.url(), "BINDERY_TOKEN", "bnd_op_fromEnv"),
        "operator", "me", "--token", "bnd_op_fromOption");

    assertThat(run.exitCode()).isZero();
    assertThat(server.onlyRequest().header("Authorization")).isEqualTo("Bearer bnd_op_fromOption");
  }

  @Test
  void tokenFileOption_readAndTrimmed() throws IOException {
    Path tokenFile = Files.writeString(dir.resolve("token"), "bnd_op_fromFile\n");

    CliRun run = CliRun.run(Map.of("BINDERY_SERVER", server.url(), "BINDERY_TOKEN", "bnd_op_fromEnv"),
        "operator", "me", "--token-file", tokenFile.toString());

    assertThat(run.exitCode()).isZero();
    assertThat(server.onlyRequest().header("Authorization")).isEqualTo("Bearer bnd_op_fromFile");
  }

  @Test
  void tokenFileFromEnvironment_usedWhenNoOtherToken() throws IOException {
    Path tokenFile = Files.writeString(dir.resolve("token"), "bnd_op_fromEnvFile");

    CliRun run = CliRun.run(Map.of("BINDERY_SERVER", server.url(), "BINDERY_TOKEN_FILE", tokenFile.toString()),
        "operator", "me");

    assertThat(run.exitCode()).isZero();
    assertThat(server.onlyRequest().header("Authorization")).isEqualTo("Bearer bnd_op_fromEnvFile");
  }

  @Test
  void tokenAndTokenFile_together_usageErrorAndNoRequest() throws IOException {
    Path tokenFile = Files.writeString(dir.resolve("token"), "bnd_op_fromFile");

    CliRun run = CliRun.run(Map.of("BINDERY_SERVER", server.url()), "operator", "me",
        "--token", "bnd_op_a", "--token-file", tokenFile.toString());

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("either --token or --token-file");
    assertThat(server.received()).isEmpty();
  }

  @Test
  void noToken_usageErrorAndNoRequest() {
    CliRun run = CliRun.run(Map.of("BINDERY_SERVER", server.url()), "operator", "me");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("no operator token");
    assertThat(server.received()).isEmpty();
  }

  @Test
  void unreadableTokenFile_usageError() {
    CliRun run = CliRun.run(Map.of("BINDERY_SERVER", server.url()), "operator", "me",
        "--token-file", dir.resolve("missing").toString());

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("cannot read token file");
  }

  @Test
  void tokenFileWithSpaceInside_rejectedWithoutEchoingIt() throws IOException {
    Path tokenFile = Files.writeString(dir.resolve("token"), "bnd_op_half one\n");

    CliRun run = CliRun.run(Map.of("BINDERY_SERVER", server.url()), "operator", "me",
        "--token-file", tokenFile.toString());

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).doesNotContain("bnd_op_half");
    assertThat(server.received()).isEmpty();
  }

  @Test
  void serverError500_exit4WithRequestId() {
    server.replyProblem("GET", ME, 500, "server_error", "");

    CliRun run = CliRun.against(server, "operator", "me");

    assertThat(run.exitCode()).isEqualTo(4);
    assertThat(run.err()).contains("the server failed (status 500): server_error (request id req-42)");
    assertThat(run.out()).isEmpty();
  }

  @Test
  void serverError503WithoutProblemBody_exit4() {
    server.reply("GET", ME, new FakeBinderyServer.Reply(503, "text/html", "<html>down</html>", Map.of()));

    CliRun run = CliRun.against(server, "operator", "me");

    assertThat(run.exitCode()).isEqualTo(4);
    assertThat(run.err()).contains("status 503");
  }

  @Test
  void unauthenticated401_exit1AndTokenNeverPrinted() {
    server.replyProblem("GET", ME, 401, "token_invalid", "the token is not valid");

    CliRun run = CliRun.against(server, "operator", "me", "--output", "json");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains("error: token_invalid: the token is not valid");
    assertThat(run.all()).doesNotContain(ClientTestData.TOKEN);
  }

  @Test
  void problemWithoutJsonBody_exit1WithStatus() {
    server.reply("GET", ME, new FakeBinderyServer.Reply(404, "text/plain", "nope", Map.of()));

    CliRun run = CliRun.against(server, "operator", "me");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains("error: http_404");
  }

  @Test
  void unreachableServer_exit3() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }

    CliRun run = CliRun.run(Map.of("BINDERY_TOKEN", ClientTestData.TOKEN), "operator", "me",
        "--server", "http://127.0.0.1:" + closedPort);

    assertThat(run.exitCode()).isEqualTo(3);
    assertThat(run.err()).contains("cannot reach http://127.0.0.1:" + closedPort);
    assertThat(run.all()).doesNotContain(ClientTestData.TOKEN);
  }

  @Test
  void usageErrorAfterTokenOption_messageNeverRepeatsTheToken() {
    CliRun run = CliRun.run(Map.of(), "operator", "me", "--token", "bnd_op_leakMe", "surplus-bnd_op_leakMe");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("[redacted]").doesNotContain("bnd_op_leakMe");
    assertThat(server.received()).isEmpty();
  }

  @Test
  void outputOption_unknownFormat_usageError() {
    CliRun run = CliRun.against(server, "operator", "me", "--output", "xml");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(server.received()).isEmpty();
  }

  @Test
  void outputOption_caseInsensitive() {
    CliRun run = CliRun.against(server, "operator", "me", "--output", "JSON");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).startsWith("{");
  }

  @Test
  void topLevelHelp_documentsEveryExitCode() {
    CliRun run = CliRun.run(Map.of(), "--help");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).contains("Exit codes:")
        .containsPattern("0 +ok")
        .containsPattern("1 +the server refused the request \\(4xx\\)")
        .containsPattern("2 +usage error")
        .containsPattern("3 +cannot reach the server, or TLS failure")
        .containsPattern("4 +server error \\(5xx\\)")
        .containsPattern("5 +audit verification found a broken chain")
        .contains("identity", "operator", "team", "audit");
  }

  @Test
  void updateHelp_saysVersionDefaultsToTheEtagOfAFreshRead() {
    CliRun run = CliRun.run(Map.of(), "identity", "update", "--help");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).contains("--version=N").contains("GETs the resource and").contains("ETag");
  }

  @Test
  void groupHelp_everyGroup_listsItsSubcommandsAndExitsZero() {
    for (String group : java.util.List.of("identity", "operator", "team", "audit")) {
      CliRun run = CliRun.run(Map.of(), group, "--help");

      assertThat(run.exitCode()).as(group).isZero();
      assertThat(run.err()).as(group).isEmpty();
      assertThat(run.out()).as(group).startsWith("Usage: bindery " + group).contains("Commands:");
    }
  }

  @Test
  void groupWithoutSubcommand_usageErrorListingSubcommands() {
    CliRun run = CliRun.run(Map.of(), "team");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("missing subcommand: one of create, list");
  }

  @Test
  void tokenTravelsInClear_plainHttpToNonLoopbackHost_true() {
    assertThat(CliCommand.travelsInClear(java.net.URI.create("http://192.0.2.1:8080"))).isTrue();
    assertThat(CliCommand.travelsInClear(java.net.URI.create("http://127.0.0.1:8080"))).isFalse();
    assertThat(CliCommand.travelsInClear(java.net.URI.create("https://192.0.2.1:8443"))).isFalse();
  }
}
