package dev.bindery.cli;

import static dev.bindery.cli.JsonAssert.assertSameJson;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bindery.cli.FakeBinderyServer.Received;
import dev.bindery.cli.http.Json;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code bindery support ...} against a fake server: what each command sends, and what it prints. */
class SupportCommandsTest {
  static final String SUP = "sup_abc";
  static final String[] EVIDENCE = {"--ticket", "INC-4711", "--claimed-requester", "Jane Doe, payments on-call",
      "--verification-method", "callback", "--verification-ref", "call log #17", "--verified-by", "op_sup",
      "--verified-at", "2026-12-01T09:30:00Z"};
  static final String EVIDENCE_JSON = """
      {"ticket":"INC-4711","claimed_requester":"Jane Doe, payments on-call",
       "verification":{"method":"callback","reference":"call log #17","verified_by":"op_sup",
                       "verified_at":"2026-12-01T09:30:00.000Z"}}""";

  private FakeBinderyServer server;

  @BeforeEach
  void start() throws Exception {
    server = FakeBinderyServer.http();
  }

  @AfterEach
  void stop() {
    server.close();
    assertThat(server.responderFailures()).isEmpty();
  }

  /** A support action as the API shows it. */
  static ObjectNode action(String type, String target, String state) {
    ObjectNode a = (ObjectNode) Json.parse("""
        {"id":"sup_abc","type":"credential_reset","channel":"support_desk","risk":"high","target":"identity:nhi_abc",
         "target_version":3,"agent":"op_agent","reason":"caller lost access",
         "evidence":{"ticket":"INC-4711","claimed_requester":"Jane Doe",
                     "verification":{"method":"callback","reference":"call log #17","verified_by":"op_sup",
                                     "verified_at":"2026-12-01T09:30:00.000Z"}},
         "parameters":{},"required":{"approvals":[],"because":[]},"missing":[],"approvals":[],
         "agent_step_up_at":"2026-12-01T09:39:00.000Z","state":"applied","created_at":"2026-12-01T09:40:00.000Z",
         "expires_at":"2026-12-01T13:40:00.000Z","resolved_at":"2026-12-01T09:40:00.000Z","resolved_by":"op_agent",
         "result":{"issued":[{"kind":"enrolment_code","ref":"0123456789ab"}],"revoked_credentials":["cred_1"],
                   "before":{},"after":{}},
         "review":{"state":"unreviewed","reviewer":null,"at":null,"comment":null},"disavowed_at":null,"version":2}""");
    a.put("type", type).put("target", target).put("state", state);
    if (state.equals("pending")) {
      a.putNull("result").putNull("resolved_at").putNull("resolved_by");
      ((ObjectNode) a.get("required")).putArray("approvals").add("supervisor");
      ((ObjectNode) a.get("required")).putArray("because").add("privileged_target:assurance_level");
      a.putArray("missing").add("approval:supervisor");
    }
    return a;
  }

  // ---- new actions -----------------------------------------------------------------------------------------------

  @Test
  void reset_postsTypeTargetReasonEvidenceAndParameters_printsTheAppliedAction() {
    server.replyJson("POST", "/api/v1/support/actions", 201, action("credential_reset", "identity:nhi_abc", "applied")
        .toString());

    CliRun run = CliRun.against(server, concat(new String[] {"support", "reset", "nhi_abc", "--reason",
        "caller lost access", "--revocation-reason", "superseded", "--code-ttl", "300"}, EVIDENCE));

    assertThat(run.exitCode()).as(run.all()).isZero();
    Received r = server.onlyRequest();
    assertThat(r.pathAndQuery()).isEqualTo("/api/v1/support/actions");
    assertSameJson(r.body(), """
        {"type":"credential_reset","target":"identity:nhi_abc","reason":"caller lost access","evidence":%s,
         "parameters":{"revocation_reason":"superseded","temporary_ttl_seconds":300}}""".formatted(EVIDENCE_JSON));
    assertThat(run.out()).containsPattern("(?m)^id +sup_abc$").containsPattern("(?m)^state +applied$")
        .containsPattern("(?m)^result +issued=kind=enrolment_code,ref=0123456789ab");
    assertThat(run.err()).contains("went to the target's owners");
  }

  @Test
  void reset_verifiedAtNotGiven_sentAsNowByThisMachinesClock() {
    server.replyJson("POST", "/api/v1/support/actions", 201, action("credential_reset", "identity:nhi_abc", "applied")
        .toString());
    Instant before = Instant.now().minusMillis(1);

    CliRun run = CliRun.against(server, "support", "reset", "nhi_abc", "--reason", "lost", "--ticket", "INC-1",
        "--claimed-requester", "Jane", "--verification-method", "in_person", "--verification-ref", "desk 3",
        "--verified-by", "op_sup");

    assertThat(run.exitCode()).as(run.all()).isZero();
    Instant sent = Instant.parse(Json.parse(server.onlyRequest().body()).at("/evidence/verification/verified_at")
        .asText());
    assertThat(sent).isBetween(before, Instant.now().plus(Duration.ofSeconds(1)));
  }

  /** The CLI does not second-guess the evidence: the server names every gap at once, and the CLI shows it. */
  @Test
  void reset_evidenceMissing_sentAsGiven_theServersRefusalNamingTheGapsShown_exit1() {
    server.replyProblem("POST", "/api/v1/support/actions", 422, "evidence_missing",
        "the support action lacks evidence: ticket (missing), claimed_requester (missing)");

    CliRun run = CliRun.against(server, "support", "reset", "nhi_abc", "--reason", "lost");

    assertThat(run.exitCode()).isEqualTo(1);
    JsonNode body = Json.parse(server.onlyRequest().body());
    assertThat(body.get("evidence").has("ticket")).isFalse();
    assertThat(body.at("/evidence/verification").size()).as("only the default verified_at").isEqualTo(1);
    assertThat(body.has("parameters")).isFalse();
    assertThat(run.err()).contains("evidence_missing").contains("ticket (missing), claimed_requester (missing)");
    assertThat(run.out()).isEmpty();
  }

  @Test
  void reenrol_operatorTarget_pendingActionSaysWhatItWaitsFor() {
    server.replyJson("POST", "/api/v1/support/actions", 201, action("factor_reenrol", "operator:op_lost", "pending")
        .toString());

    CliRun run = CliRun.against(server, concat(new String[] {"support", "reenrol", "op_lost", "--reason",
        "lost the TOTP device"}, EVIDENCE));

    assertThat(run.exitCode()).as(run.all()).isZero();
    JsonNode body = Json.parse(server.onlyRequest().body());
    assertThat(body.get("type").asText()).isEqualTo("factor_reenrol");
    assertThat(body.get("target").asText()).isEqualTo("operator:op_lost");
    assertThat(run.err()).contains("sup_abc waits for: approval:supervisor");
  }

  static Stream<Arguments> actionTypes() {
    return Stream.of(
        Arguments.of(List.of("recovery-codes", "nhi_abc"), "recovery_codes_issue", "identity:nhi_abc", null),
        Arguments.of(List.of("contact", "identity:nhi_abc", "--backup-owner", "person:oncall@example.com"),
            "recovery_contact_change", "identity:nhi_abc", "{\"backup_owner\":\"person:oncall@example.com\"}"),
        Arguments.of(List.of("owner", "nhi_abc", "--owning-team", "platform"), "owner_reset", "identity:nhi_abc",
            "{\"owning_team\":\"platform\"}"),
        Arguments.of(List.of("reissue", "nhi_abc"), "token_reissue", "identity:nhi_abc", null),
        Arguments.of(List.of("profile", "nhi_abc", "--assurance-level", "2"), "profile_edit", "identity:nhi_abc",
            "{\"assurance_level\":2}"),
        Arguments.of(List.of("reenrol", "operator:op_lost", "--code-ttl", "120"), "factor_reenrol", "operator:op_lost",
            "{\"temporary_ttl_seconds\":120}"));
  }

  @ParameterizedTest
  @MethodSource("actionTypes")
  void eachActionCommand_sendsItsTypeTargetAndParameters(List<String> args, String type, String target,
      String parameters) {
    server.replyJson("POST", "/api/v1/support/actions", 201, action(type, target, "applied").toString());
    String[] command = Stream.concat(Stream.concat(Stream.of("support"), args.stream()),
        Stream.of("--reason", "ticketed")).toArray(String[]::new);

    CliRun run = CliRun.against(server, concat(command, EVIDENCE));

    assertThat(run.exitCode()).as(run.all()).isZero();
    JsonNode body = Json.parse(server.onlyRequest().body());
    assertThat(body.get("type").asText()).isEqualTo(type);
    assertThat(body.get("target").asText()).isEqualTo(target);
    assertSameJson(body.get("evidence").toString(), EVIDENCE_JSON);
    if (parameters == null) {
      assertThat(body.has("parameters")).isFalse();
    } else {
      assertSameJson(body.get("parameters").toString(), parameters);
    }
  }

  @Test
  void newAction_withoutReasonOrWithoutTheTypesParameter_usageErrorNothingSent() {
    CliRun noReason = CliRun.against(server, concat(new String[] {"support", "reset", "nhi_abc"}, EVIDENCE));
    CliRun noTeam = CliRun.against(server, concat(new String[] {"support", "owner", "nhi_abc", "--reason", "r"},
        EVIDENCE));

    assertThat(noReason.exitCode()).isEqualTo(2);
    assertThat(noReason.err()).contains("--reason");
    assertThat(noTeam.exitCode()).isEqualTo(2);
    assertThat(noTeam.err()).contains("--owning-team");
    assertThat(server.received()).isEmpty();
  }

  // ---- transitions -----------------------------------------------------------------------------------------------

  @Test
  void approveRejectCancelApply_postToTheActionWithTheirBodies() {
    String json = action("credential_reset", "identity:nhi_abc", "applied").toString();
    for (String a : List.of("approve", "reject", "cancel", "apply")) {
      server.replyJson("POST", "/api/v1/support/actions/" + SUP + "/" + a, 200, json);
    }

    assertThat(CliRun.against(server, "support", "approve", SUP, "--comment", "called the owner back").exitCode())
        .isZero();
    assertThat(CliRun.against(server, "support", "reject", SUP, "--comment", "no ticket").exitCode()).isZero();
    assertThat(CliRun.against(server, "support", "cancel", SUP).exitCode()).isZero();
    assertThat(CliRun.against(server, "support", "apply", SUP).exitCode()).isZero();

    List<Received> received = server.received();
    assertThat(received.stream().map(Received::pathAndQuery).toList()).containsExactly(
        "/api/v1/support/actions/sup_abc/approve", "/api/v1/support/actions/sup_abc/reject",
        "/api/v1/support/actions/sup_abc/cancel", "/api/v1/support/actions/sup_abc/apply");
    assertSameJson(received.get(0).body(), "{\"comment\":\"called the owner back\"}");
    assertSameJson(received.get(1).body(), "{\"comment\":\"no ticket\"}");
    assertSameJson(received.get(2).body(), "{}");
    assertSameJson(received.get(3).body(), "{}");
  }

  @Test
  void approve_refusedForSelfApproval_problemShown_exit1() {
    server.replyProblem("POST", "/api/v1/support/actions/" + SUP + "/approve", 403, "self_approval",
        "the agent never approves their own support action");

    CliRun run = CliRun.against(server, "support", "approve", SUP);

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains("self_approval").contains("never approves their own");
  }

  @Test
  void review_postsTheDecisionAndComment_withoutDecision_usageErrorNothingSent() {
    server.replyJson("POST", "/api/v1/support/review/" + SUP, 200, action("credential_reset", "identity:nhi_abc",
        "applied").toString());

    CliRun missing = CliRun.against(server, "support", "review", SUP);
    CliRun run = CliRun.against(server, "support", "review", SUP, "--decision", "flagged", "--comment",
        "no callback on record");

    assertThat(missing.exitCode()).isEqualTo(2);
    assertThat(run.exitCode()).as(run.all()).isZero();
    assertSameJson(server.onlyRequest().body(), "{\"decision\":\"flagged\",\"comment\":\"no callback on record\"}");
  }

  // ---- reads -----------------------------------------------------------------------------------------------------

  @Test
  void queue_tableOfUnreviewedActions_withTheTicketAndWhyApprovalWasNeeded() {
    ObjectNode pending = action("credential_reset", "identity:nhi_abc", "applied");
    ((ObjectNode) pending.get("required")).putArray("because").add("privileged_target:assurance_level");
    server.replyJson("GET", "/api/v1/support/review", 200, "{\"items\":[" + pending + "],\"next_cursor\":\"c2\"}");

    CliRun run = CliRun.against(server, "support", "queue", "--older-than-hours", "8", "--limit", "10");

    assertThat(run.exitCode()).as(run.all()).isZero();
    assertThat(server.onlyRequest().pathAndQuery()).isEqualTo("/api/v1/support/review?older_than_hours=8&limit=10");
    assertThat(run.out()).containsPattern("(?m)^ID +TYPE +TARGET +AGENT +EVIDENCE_TICKET +RESOLVED_AT +REQUIRED_BECAUSE")
        .containsPattern("(?m)^sup_abc +credential_reset +identity:nhi_abc +op_agent +INC-4711 +2026-12-01T09:40:00.000Z"
            + " +privileged_target:assurance_level$");
    assertThat(run.err()).contains("--cursor c2");
  }

  @Test
  void list_filtersAsQueryParameters_tableWithReviewState() {
    server.replyJson("GET", "/api/v1/support/actions", 200, "{\"items\":[" + action("owner_reset",
        "identity:nhi_abc", "applied") + "],\"next_cursor\":null}");

    CliRun run = CliRun.against(server, "support", "list", "--state", "applied", "--type", "owner_reset", "--agent",
        "op_agent", "--target", "identity:nhi_abc", "--review", "unreviewed");

    assertThat(run.exitCode()).as(run.all()).isZero();
    assertThat(server.onlyRequest().pathAndQuery()).isEqualTo("/api/v1/support/actions?state=applied&type=owner_reset"
        + "&agent=op_agent&target=identity%3Anhi_abc&review=unreviewed");
    assertThat(run.out()).containsPattern("(?m)^sup_abc +owner_reset +identity:nhi_abc +applied +- +op_agent +INC-4711"
        + " +unreviewed ");
  }

  @Test
  void show_json_printsTheServersAnswerUnchanged() {
    String json = action("token_reissue", "identity:nhi_abc", "applied").toString();
    server.replyJson("GET", "/api/v1/support/actions/" + SUP, 200, json);

    CliRun run = CliRun.against(server, "support", "show", SUP, "-o", "json");

    assertThat(run.exitCode()).as(run.all()).isZero();
    assertSameJson(run.out(), json);
  }

  @Test
  void report_hoursAsQueryParameters_figuresPrinted() {
    server.replyJson("GET", "/api/v1/support/reports", 200, """
        {"at":"2026-12-02T09:00:00.000Z","review_age_hours":12,"unreviewed_older_than":3,"window_hours":48,
         "since":"2026-11-30T09:00:00.000Z","per_agent":{"op_agent":4},"per_target":{"identity:nhi_abc":4},
         "per_type":{"credential_reset":3,"token_reissue":1},"open_alerts":1}""");

    CliRun run = CliRun.against(server, "support", "report", "--review-age-hours", "12", "--window-hours", "48");

    assertThat(run.exitCode()).as(run.all()).isZero();
    assertThat(server.onlyRequest().pathAndQuery()).isEqualTo("/api/v1/support/reports?review_age_hours=12"
        + "&window_hours=48");
    assertThat(run.out()).containsPattern("(?m)^unreviewed_older_than +3$")
        .containsPattern("(?m)^per_type +credential_reset=3,token_reissue=1$")
        .containsPattern("(?m)^open_alerts +1$");
  }

  @Test
  void alertsAndClearAlert_openFilterAndClearWithComment() {
    server.replyJson("GET", "/api/v1/support/alerts", 200, """
        {"items":[{"id":"sal_abc","kind":"identity_resets","agent":"op_agent","target":"identity:nhi_abc",
          "support_action_id":"sup_abc","details":{"count":"4","max":"3","window":"PT24H"},
          "raised_at":"2026-12-01T09:40:00.000Z","open":true,"cleared_at":null,"cleared_by":null,
          "clear_comment":null,"version":1}],"next_cursor":null}""");
    server.replyJson("POST", "/api/v1/support/alerts/sal_abc/clear", 200, "{\"id\":\"sal_abc\",\"open\":false}");

    CliRun list = CliRun.against(server, "support", "alerts", "--open");
    CliRun clear = CliRun.against(server, "support", "clear-alert", "sal_abc", "--comment", "agent confirmed");

    assertThat(list.exitCode()).as(list.all()).isZero();
    assertThat(list.out()).containsPattern("(?m)^sal_abc +identity_resets +op_agent +identity:nhi_abc +sup_abc +true ");
    assertThat(clear.exitCode()).as(clear.all()).isZero();
    List<Received> received = server.received();
    assertThat(received.get(0).pathAndQuery()).isEqualTo("/api/v1/support/alerts?open=true");
    assertSameJson(received.get(1).body(), "{\"comment\":\"agent confirmed\"}");
  }

  private static String[] concat(String[] a, String[] b) {
    return Stream.concat(Stream.of(a), Stream.of(b)).toArray(String[]::new);
  }

  // ---- the operator's side of a factor_reenrol -------------------------------------------------------------------

  @Test
  void operatorTotpRecover_codeFromAFile_postedOnce_secretPrintedWithTheConfirmHint(@org.junit.jupiter.api.io.TempDir
      java.nio.file.Path dir) throws Exception {
    String code = "bnd_tre_" + "a".repeat(52);
    java.nio.file.Path file = java.nio.file.Files.writeString(dir.resolve("code"), code + "\n");
    server.replyJson("POST", "/api/v1/operators/me/totp/recover", 201,
        "{\"secret\":\"JBSWY3DPEHPK3PXP\",\"otpauth_uri\":\"otpauth://totp/Bindery:op?secret=JBSWY3DPEHPK3PXP\"}");

    CliRun run = CliRun.against(server, "operator", "totp-recover", "--code-file", file.toString());

    assertThat(run.exitCode()).as(run.all()).isZero();
    assertSameJson(server.onlyRequest().body(), "{\"code\":\"" + code + "\"}");
    assertThat(run.out()).containsPattern("(?m)^secret +JBSWY3DPEHPK3PXP$");
    assertThat(run.err()).contains("totp-confirm");
  }

  @Test
  void operatorTotpRecover_noCodeOrBoth_usageErrorNothingSent_theCodeNeverEchoed() {
    String code = "bnd_tre_" + "b".repeat(52);

    CliRun none = CliRun.against(server, "operator", "totp-recover");
    CliRun both = CliRun.against(server, "operator", "totp-recover", "--code", code, "--code-file", "x");
    CliRun unknownOption = CliRun.against(server, "operator", "totp-recover", "--cod", code);

    assertThat(none.exitCode()).isEqualTo(2);
    assertThat(both.exitCode()).isEqualTo(2);
    assertThat(unknownOption.exitCode()).isEqualTo(2);
    assertThat(both.all() + unknownOption.all()).doesNotContain(code);
    assertThat(server.received()).isEmpty();
  }
}
