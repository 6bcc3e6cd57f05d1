package dev.bindery.cli;

import static dev.bindery.cli.JsonAssert.assertSameJson;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code bindery report ...} and {@code bindery policy rotation ...}. */
class ReportAndPolicyCommandsTest {
  private static final String POLICY = """
      {"identity_kind":"workload","credential_type":"x509_svid","max_lifetime_seconds":86400,
       "rotate_after_seconds":43200}""";

  private FakeBinderyServer server;

  @BeforeEach
  void start() throws Exception {
    server = FakeBinderyServer.http();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @ParameterizedTest
  @CsvSource({
      "expiring --days 30, /api/v1/reports/credentials/expiring, /api/v1/reports/credentials/expiring?days=30",
      "overdue, /api/v1/reports/credentials/overdue, /api/v1/reports/credentials/overdue",
      "never-used, /api/v1/reports/credentials/never-used, /api/v1/reports/credentials/never-used",
      "unused --days 7, /api/v1/reports/credentials/unused, /api/v1/reports/credentials/unused?days=7"})
  void credentialReports_getTheirRouteAndPrintCredentialTable(String arguments, String path, String sent) {
    server.replyJson("GET", path, 200, "{\"items\":[" + ClientTestData.CREDENTIAL + "]}");
    String[] args = ("report credentials " + arguments).split(" ");

    CliRun run = CliRun.against(server, args);

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(server.onlyRequest().pathAndQuery()).isEqualTo(sent);
    assertThat(server.onlyRequest().header("Authorization")).isEqualTo("Bearer " + ClientTestData.TOKEN);
    assertThat(run.out().lines()).containsExactly(
        "ID      IDENTITY_ID  TYPE       STATUS  USABLE  GENERATION  KEY_TYPE  NOT_AFTER                 LAST_USED_AT",
        "cred_1  nhi_abc      x509_svid  active  true    3           EC P-256  2026-11-24T19:40:00.123Z  -");
  }

  @Test
  void expiringReport_jsonOutput_printsTheAnswer() {
    String answer = "{\"items\":[" + ClientTestData.CREDENTIAL + "]}";
    server.replyJson("GET", "/api/v1/reports/credentials/expiring", 200, answer);

    CliRun run = CliRun.against(server, "report", "credentials", "expiring", "--days", "14", "-o", "json");

    assertThat(run.exitCode()).isZero();
    assertSameJson(run.out(), answer);
  }

  @Test
  void expiringReport_daysMissing_usageErrorNothingSent() {
    CliRun run = CliRun.against(server, "report", "credentials", "expiring");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("--days");
    assertThat(server.received()).isEmpty();
  }

  @Test
  void credentialsGroupWithoutReport_usageErrorListingReports() {
    CliRun run = CliRun.against(server, "report", "credentials");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("missing subcommand: one of expiring, overdue, never-used, unused");
  }

  @Test
  void identitiesWithoutCredentials_printsIdentityTable() {
    server.replyJson("GET", "/api/v1/reports/identities/without-credentials", 200,
        "{\"items\":[" + ClientTestData.IDENTITY + "]}");

    CliRun run = CliRun.against(server, "report", "identities-without-credentials");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out().lines()).containsExactly(
        "ID       KIND      NAME            STATUS  OWNER_TEAM  BACKUP_OWNER   VERSION",
        "nhi_abc  workload  billing-worker  active  payments    team:platform  7");
  }

  @Test
  void report_leakReporterForbidden403_exit1() {
    server.replyProblem("GET", "/api/v1/reports/credentials/overdue", 403, "forbidden", "leak_reporter");

    CliRun run = CliRun.against(server, "report", "credentials", "overdue");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains("error: forbidden: leak_reporter");
  }

  @Test
  void rotationList_printsPolicyTable() {
    server.replyJson("GET", "/api/v1/policies/rotation", 200, "{\"items\":[" + POLICY + "]}");

    CliRun run = CliRun.against(server, "policy", "rotation", "list");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out().lines()).containsExactly(
        "IDENTITY_KIND  CREDENTIAL_TYPE  MAX_LIFETIME_SECONDS  ROTATE_AFTER_SECONDS",
        "workload       x509_svid        86400                 43200");
  }

  @ParameterizedTest
  @CsvSource({"24h, 12h, 86400, 43200", "90d, 7d, 7776000, 604800", "3600, 1800, 3600, 1800",
      "30m, 90s, 1800, 90"})
  void rotationSet_putsDurationsInSeconds(String maxLifetime, String rotateAfter, long maxSeconds,
      long rotateSeconds) {
    server.replyJson("PUT", "/api/v1/policies/rotation/workload/x509_svid", 200, POLICY);

    CliRun run = CliRun.against(server, "policy", "rotation", "set", "workload", "x509_svid",
        "--max-lifetime", maxLifetime, "--rotate-after", rotateAfter);

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(server.onlyRequest().method()).isEqualTo("PUT");
    assertSameJson(server.onlyRequest().body(),
        "{\"max_lifetime_seconds\":" + maxSeconds + ",\"rotate_after_seconds\":" + rotateSeconds + "}");
    assertThat(run.out()).containsPattern("(?m)^max_lifetime_seconds +86400$");
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "0d", "-5", "1y", "24 h", "36600000d", "1.5h", ""})
  void rotationSet_badDuration_usageErrorNothingSent(String duration) {
    CliRun run = CliRun.against(server, "policy", "rotation", "set", "workload", "x509_svid",
        "--max-lifetime", duration, "--rotate-after", "1d");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("--max-lifetime");
    assertThat(server.received()).isEmpty();
  }

  @Test
  void rotationSet_forbidden403_exit1() {
    server.replyProblem("PUT", "/api/v1/policies/rotation/workload/api_key", 403, "forbidden", "admin only");

    CliRun run = CliRun.against(server, "policy", "rotation", "set", "workload", "api_key", "--max-lifetime",
        "90d", "--rotate-after", "30d");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains("forbidden: admin only");
  }
}
