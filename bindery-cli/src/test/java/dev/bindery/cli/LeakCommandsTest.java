package dev.bindery.cli;

import static dev.bindery.cli.JsonAssert.assertSameJson;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bindery.cli.FakeBinderyServer.Received;
import dev.bindery.cli.failure.ExitCodes;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bindery leak report}: the leaked value goes to the server once and is never printed. */
class LeakCommandsTest {
  private static final String LEAKED = "bnd_ak_" + "L".repeat(52) + "CHECKSM";
  private static final String MATCHED = """
      {"matched":true,"revoked":[{"credential_id":"cred_9","identity_id":"nhi_abc","type":"api_key"}]}""";

  @TempDir Path dir;
  private FakeBinderyServer server;

  @BeforeEach
  void start() throws Exception {
    server = FakeBinderyServer.http();
    server.replyJson("POST", "/api/v1/leaks", 200, MATCHED);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void report_fromStdin_postsValueAndPrintsWhatWasRevoked() {
    CliRun run = CliRun.againstWithStdin(server, LEAKED + "\n", "leak", "report", "-");

    assertThat(run.exitCode()).isZero();
    Received request = server.onlyRequest();
    assertThat(request.pathAndQuery()).isEqualTo("/api/v1/leaks");
    assertThat(request.header("Authorization")).isEqualTo("Bearer " + ClientTestData.TOKEN);
    assertSameJson(request.body(), "{\"value\":\"" + LEAKED + "\"}");
    assertThat(run.out().lines()).containsExactly(
        "matched: revoked 1 credential with reason key_compromise",
        "CREDENTIAL_ID  IDENTITY_ID  TYPE",
        "cred_9         nhi_abc      api_key");
    assertThat(run.all()).doesNotContain(LEAKED);
  }

  @Test
  void report_accessTokenWithRevokeBoundCredential_flagSentAndTokenAndCredentialPrinted() {
    String jwt = "eyJ0eXAiOiJhdCtqd3QiLCJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJuaGlfYWJjIn0.c2lnbmF0dXJl";
    server.replyJson("POST", "/api/v1/leaks", 200, """
        {"matched":true,"revoked":[{"credential_id":"cred_9","identity_id":"nhi_abc","type":"x509_svid"}],
         "already_revoked":[],"access_token":{"jti":"tok_1","identity_id":"nhi_abc","status":"revoked"}}""");

    CliRun run = CliRun.againstWithStdin(server, jwt + "\n", "leak", "report", "-", "--revoke-bound-credential");

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertSameJson(server.onlyRequest().body(), "{\"value\":\"" + jwt + "\",\"revoke_bound_credential\":true}");
    assertThat(run.out().lines()).containsExactly(
        "matched: access token tok_1 of nhi_abc: revoked",
        "matched: revoked 1 credential with reason key_compromise",
        "CREDENTIAL_ID  IDENTITY_ID  TYPE",
        "cred_9         nhi_abc      x509_svid");
    assertThat(run.all()).doesNotContain(jwt).doesNotContain("c2lnbmF0dXJl");
  }

  @Test
  void report_accessTokenAlreadyRevoked_saysSoWithoutTheCredentialTable() {
    server.replyJson("POST", "/api/v1/leaks", 200, """
        {"matched":true,"revoked":[],"already_revoked":[],
         "access_token":{"jti":"tok_1","identity_id":"nhi_abc","status":"already_revoked"}}""");

    CliRun run = CliRun.againstWithStdin(server, "a.b.c\n", "leak", "report", "-");

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertSameJson(server.onlyRequest().body(), "{\"value\":\"a.b.c\"}");
    assertThat(run.out().lines()).containsExactly(
        "matched: access token tok_1 of nhi_abc: already revoked before this report");
  }

  @Test
  void report_forgedAccessToken_exitOneWithTheCodeNeverTheToken() {
    server.replyProblem("POST", "/api/v1/leaks", 400, "access_token_signature_invalid",
        "the access token's signature does not verify with this server's key");

    CliRun run = CliRun.againstWithStdin(server, "forged.token.value\n", "leak", "report", "-");

    assertThat(run.exitCode()).isEqualTo(ExitCodes.REFUSED);
    assertThat(run.err()).contains("error: access_token_signature_invalid");
    assertThat(run.all()).doesNotContain("forged.token.value");
  }

  @Test
  void report_certificatePemFromFile_sentWhole() throws Exception {
    String pem = WorkloadCa.pem(WorkloadCa.generate().root);
    Path file = Files.writeString(dir.resolve("leaked.pem"), pem);

    CliRun run = CliRun.against(server, "leak", "report", "--file", file.toString());

    assertThat(run.exitCode()).isZero();
    assertSameJson(server.onlyRequest().body(), dev.bindery.cli.http.Json.object().put("value", pem.strip())
        .toString());
  }

  @Test
  void report_value_sentAndJsonOutputIsTheAnswer() {
    CliRun run = CliRun.against(server, "leak", "report", "--value", LEAKED, "-o", "json");

    assertThat(run.exitCode()).isZero();
    assertSameJson(server.onlyRequest().body(), "{\"value\":\"" + LEAKED + "\"}");
    assertSameJson(run.out(), MATCHED);
  }

  @Test
  void report_matchAlreadyRevoked_listsItApart() {
    server.replyJson("POST", "/api/v1/leaks", 200, """
        {"matched":true,"revoked":[],"already_revoked":[{"credential_id":"cred_7","identity_id":"nhi_abc",        "type":"x509_svid"}]}""");

    CliRun run = CliRun.againstWithStdin(server, LEAKED, "leak", "report", "-");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out().lines()).containsExactly(
        "matched: revoked 0 credentials with reason key_compromise",
        "CREDENTIAL_ID  IDENTITY_ID  TYPE",
        "already revoked before this report: 1 credential",
        "CREDENTIAL_ID  IDENTITY_ID  TYPE",
        "cred_7         nhi_abc      x509_svid");
  }

  @Test
  void report_noMatch_saysNothingWasRevokedExit0() {
    server.replyJson("POST", "/api/v1/leaks", 200, "{\"matched\":false,\"revoked\":[]}");

    CliRun run = CliRun.againstWithStdin(server, "something", "leak", "report", "-");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).isEqualTo("no credential matched this value: nothing was revoked\n");
  }

  @Test
  void report_noSource_usageErrorNothingSent() {
    CliRun run = CliRun.against(server, "leak", "report");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("exactly one way");
    assertThat(server.received()).isEmpty();
  }

  @Test
  void report_twoSources_usageErrorNothingSentValueNotEchoed() {
    CliRun run = CliRun.againstWithStdin(server, "x", "leak", "report", "--value", LEAKED, "-");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.all()).doesNotContain(LEAKED);
    assertThat(server.received()).isEmpty();
  }

  @Test
  void report_emptyStdin_usageErrorNothingSent() {
    CliRun run = CliRun.againstWithStdin(server, " \n", "leak", "report", "-");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("standard input holds no value");
    assertThat(server.received()).isEmpty();
  }

  @Test
  void report_positionalOtherThanDash_usageErrorNothingSent() {
    CliRun run = CliRun.against(server, "leak", "report", LEAKED);

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.all()).doesNotContain(LEAKED);
    assertThat(server.received()).isEmpty();
  }

  @Test
  void report_missingFile_usageError() {
    CliRun run = CliRun.against(server, "leak", "report", "--file", dir.resolve("none").toString());

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("no such file");
    assertThat(server.received()).isEmpty();
  }

  @Test
  void report_valueLargerThanOneMebibyte_usageErrorNothingSent() {
    CliRun run = CliRun.againstWithStdin(server, "a".repeat(1024 * 1024 + 1), "leak", "report", "-");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("larger than");
    assertThat(server.received()).isEmpty();
  }

  @Test
  void report_usageErrorAfterValueOption_messageNeverRepeatsTheValue() {
    CliRun run = CliRun.against(server, "leak", "report", "--value=plain-secret-value", "--bogus");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).doesNotContain("plain-secret-value");
  }

  @Test
  void report_forbidden403_exit1() {
    server.replyProblem("POST", "/api/v1/leaks", 403, "forbidden", "no");

    CliRun run = CliRun.againstWithStdin(server, LEAKED, "leak", "report", "-");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains("forbidden: no").doesNotContain(LEAKED);
  }

  @Test
  void report_help_steersAwayFromValueOnTheCommandLine() {
    CliRun run = CliRun.run(java.util.Map.of(), "leak", "report", "--help");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out().replaceAll("\\s+", " ")).contains("--file FILE", "standard input (-), not with --value",
        "key_compromise");
  }
}
