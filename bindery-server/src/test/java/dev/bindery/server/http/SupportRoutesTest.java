package dev.bindery.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bindery.audit.AuditEvent;
import dev.bindery.audit.AuditQuery;
import dev.bindery.audit.Outcome;
import dev.bindery.server.config.BinderyConfig;
import dev.bindery.server.config.SupportConfig;
import dev.bindery.store.Tx;
import dev.bindery.testkit.pki.TestCsr;
import dev.bindery.testkit.pki.TestKeys;
import dev.bindery.testkit.StoreState;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The support desk over real HTTPS: each route's happy path, and for the rules the support service's own tests prove,
 * the HTTP-level check that a refusal arrives as the right problem document and writes nothing (the whole store is
 * compared before and after; a refusal that is audited adds exactly its one {@code denied} event).
 */
class SupportRoutesTest {
  @TempDir static Path dir;
  static TestServer s;
  static SupportDesk d;

  @BeforeAll
  static void start() {
    // the tests move the clock on (step-ups, report ages): it starts early enough to stay behind the real time that
    // TLS handshakes check certificates against
    // the agents here act on many identities: no alert of that kind puts them under supervision midway
    s = TestServer.start(dir, Map.of(BinderyConfig.NOTIFY_ALLOW_LOOPBACK_HTTP, "true",
        SupportConfig.IDENTITIES_PER_AGENT, "1000/1h"), Instant.now().minus(Duration.ofHours(6)));
    d = new SupportDesk(s);
  }

  @AfterAll
  static void stop() {
    d.close();
    s.close();
  }

  /** The request, refused with {@code status} and {@code code}, wrote nothing but (if audited) one denied event. */
  private static TestServer.Response refusedWritingNothing(Fixtures.Op op, Map<String, Object> body, int status,
      String code, boolean audited) {
    return refusedWritingNothing(op, Workloads.body(body), status, code, audited);
  }

  private static TestServer.Response refusedWritingNothing(Fixtures.Op op, String body, int status, String code,
      boolean audited) {
    d.warm(op);
    StoreState before = d.state();
    long audit = s.auditHead();
    TestServer.Response r = s.post("/api/v1/support/actions", op.token(), body);
    assertThat(r.status()).as(r.body()).isEqualTo(status);
    assertThat(r.code()).isEqualTo(code);
    assertThat(r.header("Content-Type")).startsWith("application/problem+json");
    assertThat(s.auditHead()).isEqualTo(audit + (audited ? 1 : 0));
    if (audited) {
      AuditEvent e = s.lastAuditEvent();
      assertThat(e.outcome()).isEqualTo(Outcome.DENIED);
      assertThat(e.action()).isEqualTo("support.action.create");
      assertThat(e.details().get("code")).isEqualTo(code);
    }
    d.assertUnchanged(before);
    return r;
  }

  // ---- create: the happy path, and no secret on this channel ---------------------------------------------------

  @Test
  void credentialReset_level1_appliedAtOnce_revokesAndIssuesByReferenceOnly_noTemporaryCodeInAnyAnswer() {
    String id = d.identity(1);
    Workloads.Held svid = new Workloads(s).enrolled(id);
    d.stepUp(d.agent);

    TestServer.Response r = d.create(d.agent, d.action("credential_reset", "identity:" + id, Map.of()));

    assertThat(r.status()).as(r.body()).isEqualTo(201);
    JsonNode a = r.json();
    assertThat(r.header("Location")).isEqualTo("/api/v1/support/actions/" + a.get("id").asText());
    assertThat(a.get("id").asText()).startsWith("sup_");
    assertThat(a.get("channel").asText()).isEqualTo("support_desk");
    assertThat(a.get("risk").asText()).isEqualTo("high");
    assertThat(a.get("target").asText()).isEqualTo("identity:" + id);
    assertThat(a.get("state").asText()).isEqualTo("applied");
    assertThat(a.get("agent").asText()).isEqualTo(d.agent.id());
    assertThat(a.at("/evidence/ticket").asText()).isEqualTo(SupportDesk.TICKET);
    assertThat(a.at("/evidence/verification/verified_by").asText()).isEqualTo(d.supervisor.id());
    assertThat(a.get("parameters").get("revocation_reason").asText()).isEqualTo("key_compromise");
    assertThat(a.get("parameters").get("temporary_ttl_seconds").asText()).isEqualTo("600");
    assertThat(a.at("/result/revoked_credentials").toString()).isEqualTo("[\"" + svid.credentialId() + "\"]");
    assertThat(a.at("/result/issued/0/kind").asText()).isEqualTo("enrolment_code");
    assertThat(a.at("/result/issued/0/ref").asText()).matches("[0-9a-f]{1,64}");
    assertThat(a.at("/review/state").asText()).isEqualTo("unreviewed");
    assertThat(a.get("agent_step_up_at").isNull()).isFalse();
    // the old certificate is revoked
    assertThat(s.get("/api/v1/credentials/" + svid.credentialId(), s.adminToken).json().get("status").asText())
        .isEqualTo("revoked");
    // the code went to the owners' webhooks only: no answer on the support channel and no audit detail carries it
    // (nor any enrolment, TOTP enrolment or recovery code)
    String code = d.deliveredEnrolmentCode(id);
    assertThat(code).matches("bnd_enr_[a-z2-7]{52}");
    String actionId = a.get("id").asText();
    List<String> answers = List.of(r.body(), d.get(actionId).toString(),
        s.get("/api/v1/support/actions?target=identity:" + id, s.adminToken).body(),
        s.get("/api/v1/support/review?limit=500", s.adminToken).body(),
        s.get("/api/v1/support/alerts", s.adminToken).body(),
        s.get("/api/v1/notifications?identity=" + id, s.adminToken).body());
    for (String answer : answers) {
      assertThat(answer).doesNotContain(code).doesNotContain("bnd_enr_").doesNotContain("bnd_tre_")
          .doesNotContain("bnd_rc_");
    }
    List<AuditEvent> events = s.server.transactor().read((Tx t) -> t.audit().query(new AuditQuery(null, null, null,
        null, null, 0, AuditQuery.MAX_LIMIT)));
    assertThat(events.stream().filter(e -> e.action().startsWith("support.")).count()).isGreaterThanOrEqualTo(2);
    for (AuditEvent e : events) {
      assertThat(e.details().toString()).doesNotContain(code).doesNotContain("bnd_enr_").doesNotContain("bnd_rc_");
    }
    // the owners' code enrols one new credential of the identity
    TestServer.Response enrolled = new Workloads(s).enrol(code, TestCsr.forKey(TestKeys.ecP256()).pem());
    assertThat(enrolled.status()).as(enrolled.body()).isEqualTo(201);
    assertThat(enrolled.json().at("/credential/identity_id").asText()).isEqualTo(id);
  }

  @Test
  void credentialReset_ownersWithoutAWebhook_422NoDeliveryChannel_nothingWritten() {
    d.f.team("quiet");
    TestServer.Response created = s.post("/api/v1/identities", s.adminToken, Workloads.body(Map.of("kind",
        "workload", "name", Fixtures.unique("svc-"), "owner_team", "quiet", "backup_owner",
        "operator:" + d.supervisor.id())));
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    d.stepUp(d.agent);

    refusedWritingNothing(d.agent, d.action("credential_reset", created.json().get("id").asText(), Map.of()), 422,
        "no_delivery_channel", true);
  }

  /**
   * The first seed scenario: an operator who lost their TOTP device. A privileged operator (a role other than
   * service_desk) waits for a supervisor; the TOTP enrolment code reaches the operator's teams' webhook only, and the
   * operator enrols a new factor with it and their own token.
   */
  @Test
  void factorReenrol_privilegedOperator_supervisorApproves_codeOnlyInTheWebhook_operatorEnrolsANewFactor() {
    Fixtures.Op lost = d.operatorWithTotp("security_officer", "platform");
    String level2 = d.identity(2);
    // a step-up proved with the lost device (whoever holds it) stops counting when the factor is removed
    d.stepUp(lost);
    JsonNode pending = d.created(d.agent, d.action("factor_reenrol", "operator:" + lost.id(), Map.of(
        "temporary_ttl_seconds", 300)));
    assertThat(pending.get("state").asText()).isEqualTo("pending");
    assertThat(pending.at("/required/because").toString()).isEqualTo("[\"privileged_target:operator_role:security_officer\"]");

    JsonNode applied = d.approved(pending.get("id").asText());

    assertThat(applied.get("state").asText()).isEqualTo("applied");
    assertThat(applied.at("/result/issued/0/kind").asText()).isEqualTo("totp_enrolment");
    TestServer.Response lower = s.send("PUT", "/api/v1/identities/" + level2 + "/assurance", lost.token(),
        "{\"level\":1,\"version\":1}");
    assertThat(lower.status()).as(lower.body()).isEqualTo(403);
    assertThat(lower.code()).isEqualTo("step_up_required");
    assertThat(d.identityJson(level2).get("assurance_level").asInt()).isEqualTo(2);
    List<JsonNode> bodies = d.delivered("support.totp_enrolment", lost.id());
    assertThat(bodies).isNotEmpty();
    String code = bodies.get(bodies.size() - 1).at("/secret/value").asText();
    assertThat(code).startsWith("bnd_tre_");
    for (String answer : List.of(pending.toString(), applied.toString(), d.get(applied.get("id").asText()).toString(),
        s.get("/api/v1/support/actions?target=operator:" + lost.id(), s.adminToken).body())) {
      assertThat(answer).doesNotContain(code).doesNotContain("bnd_tre_");
    }
    // the old factor is gone: a step-up with it fails; the code starts a new enrolment, confirmed with a new code
    assertThat(d.stepUpAttempt(lost).code()).isEqualTo("totp_not_enrolled");
    assertThat(s.post("/api/v1/operators/me/totp", lost.token(), "{}").code()).isEqualTo("totp_recovery_required");
    TestServer.Response recovered = s.post("/api/v1/operators/me/totp/recover", lost.token(),
        "{\"code\":\"" + code + "\"}");
    assertThat(recovered.status()).as(recovered.body()).isEqualTo(201);
    byte[] seed = Fixtures.base32(recovered.json().get("secret").asText());
    TestServer.Response confirmed = s.post("/api/v1/operators/me/totp/confirm", lost.token(),
        "{\"code\":\"" + d.f.code(seed) + "\"}");
    assertThat(confirmed.status()).as(confirmed.body()).isEqualTo(204);
    assertThat(s.post("/api/v1/operators/me/totp/recover", lost.token(), "{\"code\":\"" + code + "\"}").status())
        .isNotEqualTo(201);
  }

  @Test
  void recoveryCodesIssue_codesOnlyInTheWebhook_neverInAnAnswerOrAuditDetail() {
    String id = d.identity(1);

    JsonNode a = d.created(d.agent, d.action("recovery_codes_issue", "identity:" + id, Map.of()));

    assertThat(a.get("state").asText()).isEqualTo("applied");
    assertThat(a.at("/result/issued/0/kind").asText()).isEqualTo("recovery_codes");
    List<JsonNode> bodies = d.delivered("support.recovery_codes", id);
    assertThat(bodies).isNotEmpty();
    JsonNode codes = bodies.get(bodies.size() - 1).at("/secret/values");
    assertThat(codes.size()).isEqualTo(10);
    String sup = a.get("id").asText();
    String answers = a + d.get(sup).toString() + s.get("/api/v1/support/actions?target=" + id, s.adminToken).body()
        + s.get("/api/v1/identities/" + id + "/history?limit=1000", s.adminToken).body();
    List<AuditEvent> events = s.server.transactor().read((Tx t) -> t.audit().query(new AuditQuery(null, null, null,
        null, null, 0, AuditQuery.MAX_LIMIT)));
    for (JsonNode code : codes) {
      assertThat(code.asText()).startsWith("bnd_rc_");
      assertThat(answers).doesNotContain(code.asText());
      assertThat(events).allSatisfy(e -> assertThat(e.details().toString()).doesNotContain(code.asText()));
    }
    assertThat(answers).doesNotContain("bnd_rc_");
  }

  /** The third seed scenario: a recovery contact change, a high-risk support action recorded on the identity. */
  @Test
  void recoveryContactChange_highRisk_recordedInTheIdentitysHistoryWithTheAction() {
    String id = d.identity(1);

    JsonNode a = d.created(d.agent, d.action("recovery_contact_change", "identity:" + id, Map.of("backup_owner",
        "team:billing")));

    assertThat(a.get("state").asText()).isEqualTo("applied");
    assertThat(a.get("risk").asText()).isEqualTo("high");
    assertThat(a.at("/result/before/backup_owner").asText()).isEqualTo("team:platform");
    assertThat(a.at("/result/after/backup_owner").asText()).isEqualTo("team:billing");
    assertThat(d.identityJson(id).get("backup_owner").asText()).isEqualTo("team:billing");
    JsonNode history = s.get("/api/v1/identities/" + id + "/history?limit=1000", s.adminToken).json().get("items");
    boolean recorded = false;
    for (JsonNode e : history) {
      recorded |= e.get("action").asText().equals("identity.transfer_ownership")
          && e.at("/details/support_action_id").asText().equals(a.get("id").asText());
    }
    assertThat(recorded).as(history.toString()).isTrue();
    // the old and the new backup team are told
    assertThat(d.delivered("support.owners_changing", id)).isNotEmpty();
    assertThat(d.delivered("support.applied", id)).isNotEmpty();
  }

  /** One page of an identity's history as "action target" lines, read with {@code token}. */
  private List<String> history(String id, String token) {
    TestServer.Response r = s.get("/api/v1/identities/" + id + "/history?limit=1000", token);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    List<String> lines = new java.util.ArrayList<>();
    r.json().get("items").forEach(e -> lines.add(e.get("action").asText() + " " + e.get("target").asText()));
    return lines;
  }

  @Test
  void identityHistory_holdsItsSupportActionsEvents_forTheOwnersAndSupportReaders_notForOtherOperators() {
    String id = d.identity(1);
    String sup = d.created(d.agent, d.action("token_reissue", id, Map.of())).get("id").asText();
    String otherSup = d.created(d.agent, d.action("token_reissue", d.identity(1), Map.of())).get("id").asText();
    Fixtures.Op outsider = d.f.operator("", "billing");

    for (String token : List.of(s.adminToken, d.owner.token(), d.auditor().token(), d.agent2.token())) {
      assertThat(history(id, token)).containsSubsequence("identity.create " + id, "support.action.create " + sup,
          "token.revoke_identity " + id, "support.action.apply " + sup).noneMatch(l -> l.endsWith(otherSup));
    }
    List<String> outsiders = history(id, outsider.token());
    assertThat(outsiders).contains("identity.create " + id).noneMatch(l -> l.contains(" sup_"));
  }

  @Test
  void tokenReissue_bareIdentityTarget_appliedWithTheRevocationTime() {
    String id = d.identity(1);

    JsonNode a = d.created(d.agent, d.action("token_reissue", id, Map.of()));

    assertThat(a.get("target").asText()).isEqualTo("identity:" + id);
    assertThat(a.get("state").asText()).isEqualTo("applied");
    assertThat(a.at("/result/after/tokens_revoked_through").asText()).isNotEmpty();
  }

  @Test
  void ownerResetAndProfileEdit_stringAndIntegerParameters_appliedWithBeforeAndAfter() {
    String id = d.identity(1);
    String other = d.identity(1);

    JsonNode owner = d.created(d.agent, d.action("owner_reset", "identity:" + id, Map.of("owning_team", "billing")));
    JsonNode level = d.created(d.agent2, d.action("profile_edit", "identity:" + other,
        Map.of("assurance_level", 2)));

    assertThat(owner.get("state").asText()).as(owner.toString()).isEqualTo("applied");
    assertThat(owner.at("/parameters/owning_team").asText()).isEqualTo("billing");
    assertThat(owner.at("/result/before/owning_team").asText()).isEqualTo("payments");
    assertThat(owner.at("/result/after/owning_team").asText()).isEqualTo("billing");
    assertThat(d.identityJson(id).get("owner_team").asText()).isEqualTo("billing");
    assertThat(level.at("/parameters/assurance_level").asText()).isEqualTo("2");
    assertThat(d.identityJson(other).get("assurance_level").asInt()).isEqualTo(2);
  }

  // ---- create: strict JSON, evidence, conflict of interest, step-up --------------------------------------------

  @Test
  void create_malformedJson_400_nothingWritten() {
    d.stepUp(d.agent);
    refusedWritingNothing(d.agent, "{\"type\":\"token_reissue\",", 400, "malformed_json", false);
    refusedWritingNothing(d.agent, "[]", 400, "malformed_json", false);
  }

  @Test
  void create_unknownFields_atEveryLevel_400NamingThem_nothingWritten() {
    String id = d.identity(1);
    d.stepUp(d.agent);
    Map<String, Object> top = d.action("token_reissue", id, Map.of());
    top.put("ticket", "INC-1");
    assertThat(refusedWritingNothing(d.agent, top, 400, "unknown_field", false).json().get("field").asText())
        .isEqualTo("ticket");

    Map<String, Object> inEvidence = d.action("token_reissue", id, Map.of());
    Map<String, Object> evidence = new LinkedHashMap<>(d.evidence());
    evidence.put("approved", true);
    inEvidence.put("evidence", evidence);
    assertThat(refusedWritingNothing(d.agent, inEvidence, 400, "unknown_field", false).json().get("field").asText())
        .isEqualTo("evidence.approved");

    Map<String, Object> inVerification = d.action("token_reissue", id, Map.of());
    Map<String, Object> ev = new LinkedHashMap<>(d.evidence());
    @SuppressWarnings("unchecked")
    Map<String, Object> verification = new LinkedHashMap<>((Map<String, Object>) ev.get("verification"));
    verification.put("phone", "+1 555");
    ev.put("verification", verification);
    inVerification.put("evidence", ev);
    assertThat(refusedWritingNothing(d.agent, inVerification, 400, "unknown_field", false).json().get("field")
        .asText()).isEqualTo("evidence.verification.phone");

    assertThat(refusedWritingNothing(d.agent, d.action("token_reissue", id, Map.of("scope", "x")), 400,
        "unknown_field", false).json().get("field").asText()).isEqualTo("parameters.scope");
    // a parameter of another type: the service names it
    TestServer.Response other = refusedWritingNothing(d.agent, d.action("token_reissue", id,
        Map.of("owning_team", "platform")), 400, "unknown_field", false);
    assertThat(other.json().get("field").asText()).isEqualTo("parameters.owning_team");
    assertThat(other.json().get("detail").asText()).contains("'token_reissue' takes no parameter 'owning_team'");
  }

  @Test
  void create_clientChosenIdOrWrongTypes_400_nothingWritten() {
    String id = d.identity(1);
    d.stepUp(d.agent);
    Map<String, Object> withId = d.action("token_reissue", id, Map.of());
    withId.put("id", "sup_mine");
    refusedWritingNothing(d.agent, withId, 400, "identifier_not_accepted", false);
    assertThat(refusedWritingNothing(d.agent, d.action("profile_edit", id, Map.of("assurance_level", "two")), 400,
        "invalid_field", false).json().get("field").asText()).isEqualTo("parameters.assurance_level");
    assertThat(refusedWritingNothing(d.agent, d.action("reset_everything", id, Map.of()), 400, "invalid_field",
        false).json().get("field").asText()).isEqualTo("type");
    assertThat(refusedWritingNothing(d.agent, d.action("token_reissue", "identity:not-an-id", Map.of()), 400,
        "invalid_field", false).json().get("field").asText()).isEqualTo("target");
  }

  @Test
  void create_withoutEvidence_422EvidenceMissingNamingEveryField_auditedAndNothingElseWritten() {
    String id = d.identity(1);
    d.stepUp(d.agent);
    Map<String, Object> body = d.action("credential_reset", id, Map.of());
    body.remove("evidence");

    TestServer.Response r = refusedWritingNothing(d.agent, body, 422, "evidence_missing", true);

    assertThat(r.json().get("field").asText()).isEqualTo("evidence");
    assertThat(r.json().get("detail").asText()).contains("ticket (missing)", "claimed_requester (missing)",
        "verification.method (missing)", "verification.reference (missing)", "verification.verified_by (missing)",
        "verification.verified_at (missing)");
    assertThat(d.delivered("support.enrolment_code", id)).isEmpty();
  }

  @Test
  void create_incompleteEvidence_badTicketFutureVerification_422NamingThoseFields_nothingWritten() {
    String id = d.identity(1);
    d.stepUp(d.agent);
    Map<String, Object> body = d.action("credential_reset", id, Map.of());
    Map<String, Object> evidence = new LinkedHashMap<>(d.evidence());
    evidence.put("ticket", "call me maybe");
    evidence.remove("claimed_requester");
    @SuppressWarnings("unchecked")
    Map<String, Object> verification = new LinkedHashMap<>((Map<String, Object>) evidence.get("verification"));
    verification.put("verified_at", Json.time(s.clock.instant().plus(Duration.ofHours(1))));
    verification.put("method", "gut_feeling");
    evidence.put("verification", verification);
    body.put("evidence", evidence);

    String detail = refusedWritingNothing(d.agent, body, 422, "evidence_missing", true).json().get("detail").asText();

    assertThat(detail).contains("ticket (does not match the ticket format", "claimed_requester (missing)",
        "verification.method (must be one of", "verification.verified_at (in the future)");
    assertThat(detail).doesNotContain("verification.reference").doesNotContain("verified_by");
  }

  @Test
  void create_onAnIdentityOfTheAgentsOwnTeamOrOnTheirOwnAccount_403ConflictOfInterest_nothingWritten() {
    Fixtures.Op paymentsAgent = d.operatorWithTotp("service_desk", "payments");
    String id = d.identity(1);
    d.stepUp(paymentsAgent);

    refusedWritingNothing(paymentsAgent, d.action("token_reissue", "identity:" + id, Map.of()), 403,
        "support_conflict_of_interest", true);
    refusedWritingNothing(paymentsAgent, d.action("factor_reenrol", "operator:" + paymentsAgent.id(), Map.of()), 403,
        "support_conflict_of_interest", true);
  }

  @Test
  void create_highRiskWithoutFreshStepUp_403StepUpRequired_nothingWritten() {
    String id = d.identity(1);
    d.stepUp(d.agent2);
    s.clock.advance(Duration.ofMinutes(6));

    refusedWritingNothing(d.agent2, d.action("credential_reset", id, Map.of()), 403, "step_up_required", true);
  }

  @Test
  void create_byAnOperatorWithoutServiceDesk_403Forbidden_nothingWritten() {
    refusedWritingNothing(d.owner, d.action("token_reissue", d.identity(1), Map.of()), 403, "forbidden", true);
    refusedWritingNothing(d.supervisor, d.action("token_reissue", d.identity(1), Map.of()), 403, "forbidden", true);
  }

  // ---- privileged targets: pending, supervisor sign-off ---------------------------------------------------------

  @Test
  void privilegedTarget_pendingUntilASupervisorApproves_whoseApprovalAppliesIt() {
    String id = d.identity(2);
    Workloads.Held svid = new Workloads(s).enrolled(id);

    JsonNode pending = d.created(d.agent, d.action("credential_reset", "identity:" + id, Map.of()));
    String sup = pending.get("id").asText();

    assertThat(pending.get("state").asText()).isEqualTo("pending");
    assertThat(pending.at("/required/approvals").toString()).isEqualTo("[\"supervisor\"]");
    assertThat(pending.at("/required/because").toString()).isEqualTo("[\"privileged_target:assurance_level\"]");
    assertThat(pending.get("missing").toString()).isEqualTo("[\"approval:supervisor\"]");
    assertThat(pending.get("result").isNull()).isTrue();
    assertThat(s.get("/api/v1/credentials/" + svid.credentialId(), s.adminToken).json().get("status").asText())
        .isEqualTo("active");
    // the agent never approves their own action, a supervisor needs a fresh step-up, and a pending one is not applied
    d.stepUp(d.agent);
    assertThat(d.post(d.agent, sup, "approve", "{}").code()).isEqualTo("self_approval");
    s.clock.advance(Duration.ofMinutes(6));
    assertThat(d.post(d.supervisor, sup, "approve", "{}").code()).isEqualTo("step_up_required");
    assertThat(d.post(d.agent, sup, "apply", "{}").code()).isEqualTo("approval_required");
    assertThat(d.get(sup).get("state").asText()).isEqualTo("pending");
    assertThat(d.get(sup).get("approvals").size()).isZero();

    JsonNode applied = d.approved(sup);

    assertThat(applied.get("state").asText()).isEqualTo("applied");
    assertThat(applied.at("/approvals/0/operator").asText()).isEqualTo(d.supervisor.id());
    assertThat(applied.at("/approvals/0/role").asText()).isEqualTo("supervisor");
    assertThat(applied.at("/approvals/0/comment").asText()).isEqualTo("called the owner back");
    assertThat(applied.get("missing").size()).isZero();
    assertThat(applied.at("/result/revoked_credentials/0").asText()).isEqualTo(svid.credentialId());
    assertThat(s.get("/api/v1/credentials/" + svid.credentialId(), s.adminToken).json().get("status").asText())
        .isEqualTo("revoked");
    assertThat(applied.toString()).doesNotContain("bnd_enr_");
  }

  @Test
  void rejectAndCancel_terminal_thenEveryTransition409() {
    String first = d.created(d.agent, d.action("token_reissue", d.identity(2), Map.of())).get("id").asText();
    String second = d.created(d.agent, d.action("token_reissue", d.identity(2), Map.of())).get("id").asText();

    TestServer.Response rejected = d.post(d.supervisor, first, "reject", "{\"comment\":\"no callback on record\"}");
    TestServer.Response cancelled = d.post(d.agent, second, "cancel", "{}");
    TestServer.Response byOwner = d.post(d.owner, first, "cancel", "{}");

    assertThat(rejected.status()).as(rejected.body()).isEqualTo(200);
    assertThat(rejected.json().get("state").asText()).isEqualTo("rejected");
    assertThat(rejected.json().get("resolved_by").asText()).isEqualTo(d.supervisor.id());
    assertThat(cancelled.json().get("state").asText()).isEqualTo("cancelled");
    assertThat(byOwner.status()).isEqualTo(403);
    assertThat(byOwner.code()).isEqualTo("forbidden");
    d.stepUp(d.supervisor);
    assertThat(d.post(d.supervisor, first, "approve", "{}").code()).isEqualTo("invalid_transition");
    assertThat(d.post(d.agent, second, "cancel", "{}").code()).isEqualTo("invalid_transition");
    assertThat(d.post(d.agent, second, "apply", "{}").code()).isEqualTo("invalid_transition");
  }

  @Test
  void unknownOrMalformedIds_404And400() {
    String unknown = "sup_" + "a".repeat(26);
    TestServer.Response missing = s.get("/api/v1/support/actions/" + unknown, s.adminToken);
    TestServer.Response malformed = s.get("/api/v1/support/actions/chg_x", s.adminToken);
    TestServer.Response unknownAlert = s.post("/api/v1/support/alerts/sal_" + "a".repeat(26) + "/clear",
        d.officer.token(), "{}");

    assertThat(missing.status()).isEqualTo(404);
    assertThat(missing.code()).isEqualTo("support_action_not_found");
    assertThat(malformed.status()).isEqualTo(400);
    assertThat(malformed.code()).isEqualTo("invalid_identifier");
    assertThat(unknownAlert.status()).isEqualTo(404);
    assertThat(unknownAlert.code()).isEqualTo("support_alert_not_found");
  }

  // ---- review ---------------------------------------------------------------------------------------------------

  @Test
  void review_flagged_locksTheTargetAndRevokesWhatWasIssued_leavesTheQueue_onlyOnce() {
    String id = d.identity(1);
    String sup = d.created(d.agent, d.action("credential_reset", id, Map.of())).get("id").asText();
    String code = d.deliveredEnrolmentCode(id);
    assertThat(s.get("/api/v1/support/review?limit=500", d.officer.token()).body()).contains(sup);

    TestServer.Response byAgent = s.post("/api/v1/support/review/" + sup, d.agent.token(),
        "{\"decision\":\"flagged\"}");
    TestServer.Response badDecision = s.post("/api/v1/support/review/" + sup, d.officer.token(),
        "{\"decision\":\"maybe\"}");
    TestServer.Response flagged = s.post("/api/v1/support/review/" + sup, d.officer.token(),
        "{\"decision\":\"flagged\",\"comment\":\"no callback on record\"}");

    assertThat(byAgent.status()).isEqualTo(403);
    assertThat(badDecision.status()).isEqualTo(400);
    assertThat(badDecision.json().get("field").asText()).isEqualTo("decision");
    assertThat(flagged.status()).as(flagged.body()).isEqualTo(200);
    assertThat(flagged.json().at("/review/state").asText()).isEqualTo("flagged");
    assertThat(flagged.json().at("/review/reviewer").asText()).isEqualTo(d.officer.id());
    assertThat(flagged.json().at("/review/comment").asText()).isEqualTo("no callback on record");
    assertThat(d.identityJson(id).get("status").asText()).isEqualTo("locked");
    // what the action issued is revoked: the owners' unused code no longer enrols
    TestServer.Response enrol = new Workloads(s).enrol(code, TestCsr.forKey(TestKeys.ecP256()).pem());
    assertThat(enrol.status()).as(enrol.body()).isEqualTo(401);
    assertThat(enrol.code()).isEqualTo("enrolment_code_invalid");
    assertThat(s.get("/api/v1/support/review?limit=500", d.officer.token()).body()).doesNotContain(sup);
    TestServer.Response again = s.post("/api/v1/support/review/" + sup, d.officer.token(),
        "{\"decision\":\"confirmed\"}");
    assertThat(again.status()).isEqualTo(409);
    assertThat(again.code()).isEqualTo("invalid_transition");
  }

  @Test
  void review_confirmed_targetStaysActive() {
    String id = d.identity(1);
    String sup = d.created(d.agent, d.action("token_reissue", id, Map.of())).get("id").asText();

    TestServer.Response confirmed = s.post("/api/v1/support/review/" + sup, d.officer.token(),
        "{\"decision\":\"confirmed\"}");

    assertThat(confirmed.status()).as(confirmed.body()).isEqualTo(200);
    assertThat(confirmed.json().at("/review/state").asText()).isEqualTo("confirmed");
    assertThat(d.identityJson(id).get("status").asText()).isEqualTo("active");
  }

  // ---- lists and paging -----------------------------------------------------------------------------------------

  @Test
  void list_filtersAndCursorPaging() {
    Fixtures.Op agent3 = d.operatorWithTotp("service_desk", "helpdesk");
    for (int i = 0; i < 3; i++) {
      d.created(agent3, d.action("token_reissue", d.identity(1), Map.of()));
    }

    TestServer.Response first = s.get("/api/v1/support/actions?agent=" + agent3.id() + "&limit=2", d.supervisor
        .token());
    String cursor = first.json().get("next_cursor").asText();
    TestServer.Response second = s.get("/api/v1/support/actions?agent=" + agent3.id() + "&limit=2&cursor=" + cursor,
        d.supervisor.token());

    assertThat(first.status()).as(first.body()).isEqualTo(200);
    assertThat(first.json().get("items").size()).isEqualTo(2);
    assertThat(second.json().get("items").size()).isEqualTo(1);
    assertThat(second.json().get("next_cursor").isNull()).isTrue();
    assertThat(first.json().at("/items/1/id").asText()).isLessThan(second.json().at("/items/0/id").asText());
    assertThat(s.get("/api/v1/support/actions?agent=" + agent3.id() + "&type=credential_reset", d.agent.token())
        .json().get("items").size()).isZero();
    assertThat(s.get("/api/v1/support/actions?agent=" + agent3.id() + "&state=applied&review=unreviewed",
        d.agent.token()).json().get("items").size()).isEqualTo(3);
    TestServer.Response badCursor = s.get("/api/v1/support/actions?cursor=bm9wZQ", d.agent.token());
    TestServer.Response badState = s.get("/api/v1/support/actions?state=done", d.agent.token());
    TestServer.Response badTarget = s.get("/api/v1/support/actions?target=identity:x", d.agent.token());
    TestServer.Response unknownQuery = s.get("/api/v1/support/actions?ticket=INC-1", d.agent.token());
    assertThat(badCursor.code()).isEqualTo("invalid_cursor");
    assertThat(badState.code()).isEqualTo("invalid_query");
    assertThat(badTarget.code()).isEqualTo("invalid_query");
    assertThat(unknownQuery.code()).isEqualTo("invalid_query");
  }

  // ---- OpenAPI -------------------------------------------------------------------------------------------------

  @Test
  void openApi_createSchemaIsTheStrictNestedOne() {
    JsonNode doc = s.get("/api/v1/openapi.json", null).json();
    JsonNode create = doc.at("/paths/~1api~1v1~1support~1actions/post");
    JsonNode schema = create.at("/requestBody/content/application~1json/schema");

    assertThat(create.at("/tags/0").asText()).isEqualTo("support");
    assertThat(create.get("x-bindery-access").asText()).contains("service_desk").contains("step-up");
    assertThat(schema.get("required").toString()).isEqualTo("[\"type\",\"target\",\"reason\"]");
    assertThat(schema.get("additionalProperties").asBoolean()).isFalse();
    assertThat(schema.at("/properties/evidence/additionalProperties").asBoolean()).isFalse();
    assertThat(schema.at("/properties/evidence/properties/verification/additionalProperties").asBoolean()).isFalse();
    assertThat(schema.at("/properties/parameters/properties/temporary_ttl_seconds/type").asText())
        .isEqualTo("integer");
    assertThat(doc.at("/paths/~1api~1v1~1support~1reports/get/parameters").toString()).contains("review_age_hours",
        "window_hours");
  }
}
