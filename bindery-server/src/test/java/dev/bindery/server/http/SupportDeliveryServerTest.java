package dev.bindery.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.spi.ILoggingEvent;
import com.fasterxml.jackson.databind.JsonNode;
import dev.bindery.credential.EnrolmentCode;
import dev.bindery.identity.IdentityId;
import dev.bindery.notify.Notification;
import dev.bindery.notify.NotificationQuery;
import dev.bindery.notify.NotificationState;
import dev.bindery.operator.OperatorId;
import dev.bindery.security.Totp;
import dev.bindery.server.config.BinderyConfig;
import dev.bindery.server.notify.WebhookReceiver;
import dev.bindery.support.SupportActionId;
import dev.bindery.support.SupportDisavowHandler;
import dev.bindery.support.SupportTarget;
import dev.bindery.testkit.pki.TestCsr;
import dev.bindery.testkit.pki.TestKeys;
import java.io.IOException;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The support desk's temporary credentials end to end on a real server (docs/support-desk.md, "Redemption"): issued
 * through the server's {@code SupportDelivery} as the support service would, delivered only in the body the webhook
 * dispatcher posts to a receiver on the loopback interface, and redeemed over the API: an enrolment code at
 * {@code /api/v1/enrol} (never at the token endpoint or as an operator token), a TOTP enrolment code at
 * {@code /api/v1/operators/me/totp/recover}, a recovery code as a continuity proof. No response, log line or audit
 * event shows a code. A support action's "this was not us" link reaches the support handler.
 */
class SupportDeliveryServerTest {
  @TempDir static Path dir;
  static TestServer s;
  static Rebinding r;
  static WebhookReceiver receiver;
  static final List<String> SUPPORT_DISAVOWS = new CopyOnWriteArrayList<>();
  static final SupportDisavowHandler HANDLER = (t, action, actor, requestId) ->
      SUPPORT_DISAVOWS.add(action + " " + actor + " " + !requestId.isEmpty());

  private CapturedLogs logs;

  @BeforeAll
  static void start() throws IOException {
    s = TestServer.startWithSupportDisavows(dir, Map.of(BinderyConfig.NOTIFY_ALLOW_LOOPBACK_HTTP, "true"), HANDLER);
    r = new Rebinding(s);
    receiver = new WebhookReceiver();
    for (String team : List.of("payments", "platform")) {
      r.f.adminStepUp();
      TestServer.Response w = s.post("/api/v1/teams/" + team + "/webhooks", s.adminToken,
          "{\"url\":\"" + receiver.url("/hook/" + team) + "\"}");
      assertThat(w.status()).as(w.body()).isEqualTo(201);
    }
  }

  @AfterAll
  static void stop() {
    receiver.close();
    s.close();
  }

  @BeforeEach
  void captureLogs() {
    logs = CapturedLogs.all();
  }

  @AfterEach
  void releaseLogs() {
    logs.close();
  }

  // ---- helpers ------------------------------------------------------------------------------------------------

  private static SupportActionId newAction() {
    return SupportActionId.generate(new SecureRandom());
  }

  private static void dispatch() {
    while (s.server.webhookDispatcher().runOnce() > 0) {
      continue;
    }
  }

  /** The bodies posted for {@code event} about {@code subject} (an identity or operator id), oldest first. */
  private static List<JsonNode> posted(String event, String subject) {
    dispatch();
    List<JsonNode> out = new ArrayList<>();
    for (WebhookReceiver.Received got : receiver.received()) {
      if (!event.equals(got.header("Bindery-Event"))) {
        continue;
      }
      JsonNode body = new TestServer.Response(200, null, got.bodyText()).json();
      if (subject.equals(body.path("identity_id").asText(null)) || subject.equals(body.path("operator_id").asText(null))) {
        assertThat(got.header("Bindery-Signature")).startsWith("t=");
        out.add(body);
      }
    }
    return out;
  }

  private static JsonNode lastPosted(String event, String subject) {
    List<JsonNode> bodies = posted(event, subject);
    assertThat(bodies).as("%s about %s", event, subject).isNotEmpty();
    return bodies.get(bodies.size() - 1);
  }

  /** Neither the code nor its random part in any log line, API view or audit event. */
  private void assertNowhereButTheWebhook(String code, String identityOrOperator) {
    String random = code.substring(code.indexOf('_', 4) + 1);
    for (ILoggingEvent e : logs.events()) {
      assertThat(e.getFormattedMessage()).doesNotContain(random);
      if (e.getThrowableProxy() != null) {
        assertThat(e.getThrowableProxy().getMessage() == null ? "" : e.getThrowableProxy().getMessage())
            .doesNotContain(random);
      }
    }
    TestServer.Response export = s.get("/api/v1/audit/export", s.adminToken);
    assertThat(export.status()).isEqualTo(200);
    assertThat(export.body()).doesNotContain(random);
    String query = identityOrOperator.startsWith("op_") ? "team=payments" : "identity=" + identityOrOperator;
    TestServer.Response notifications = s.get("/api/v1/notifications?" + query, s.adminToken);
    assertThat(notifications.status()).as(notifications.body()).isEqualTo(200);
    assertThat(notifications.body()).doesNotContain(random);
  }

  private static String enrolmentCode(String identity, SupportActionId action) {
    s.server.transactor().inTransaction(t -> s.server.supportDelivery().issueEnrolmentCode(t, "op_agent",
        "req-support", IdentityId.parse(identity), Duration.ofMinutes(10), action, s.clock.instant()));
    JsonNode body = lastPosted("support.enrolment_code", identity);
    assertThat(body.path("support_action_id").asText()).isEqualTo(action.value());
    assertThat(body.path("change_request_id").isNull()).isTrue();
    assertThat(body.at("/secret/kind").asText()).isEqualTo("enrolment_code");
    return body.at("/secret/value").asText();
  }

  // ---- enrolment codes ------------------------------------------------------------------------------------------

  @Test
  void enrolmentCode_onlyInTheWebhookBody_enrolsOnceAndTheSourceIsRecorded() {
    String identity = r.identity(1);
    SupportActionId action = newAction();
    String code = enrolmentCode(identity, action);
    assertThat(code).matches("bnd_enr_[a-z2-7]{52}");
    assertThat(posted("support.enrolment_code", identity)).as("owning and backup teams").hasSize(2)
        .allSatisfy(b -> assertThat(b.at("/secret/value").asText()).isEqualTo(code));
    List<Notification> rows = s.server.transactor().read(t -> t.notifications().list(NotificationQuery.forIdentity(
        IdentityId.parse(identity), 100)));
    assertThat(rows).filteredOn(n -> n.event().equals("support.enrolment_code")).hasSize(2)
        .allSatisfy(n -> {
          assertThat(n.state()).isEqualTo(NotificationState.DELIVERED);
          assertThat(n.hasSecret()).as("the sealed code is dropped once delivered").isFalse();
        });
    KeyPair key = TestKeys.ecP256();

    TestServer.Response enrolled = r.w.enrol(code, TestCsr.forKey(key).pem());

    assertThat(enrolled.status()).as(enrolled.body()).isEqualTo(201);
    assertThat(enrolled.body()).doesNotContain(code);
    EnrolmentCode row = s.server.transactor().read(t -> t.enrolmentCodes().listForSupportAction(action)).get(0);
    assertThat(row.credentialId().value()).isEqualTo(enrolled.json().at("/credential/id").asText());
    assertThat(row.usedFrom()).isEqualTo("127.0.0.1");
    TestServer.Response again = r.w.enrol(code, TestCsr.forKey(TestKeys.ecP256()).pem());
    assertThat(again.status()).isEqualTo(401);
    assertThat(again.code()).isEqualTo("enrolment_code_used");
    assertThat(again.body()).doesNotContain(code);
    TestServer.Response view = s.get("/api/v1/notifications?identity=" + identity, s.adminToken);
    assertThat(view.json().get("items")).anySatisfy(n -> {
      assertThat(n.get("event").asText()).isEqualTo("support.enrolment_code");
      assertThat(n.get("carries").asText()).isEqualTo("enrolment_code");
      assertThat(n.get("support_action_id").asText()).isEqualTo(action.value());
    });
    assertNowhereButTheWebhook(code, identity);
  }

  @Test
  void enrolmentCode_neverAcceptedAtTheTokenEndpointNorAsAnOperatorToken_andStaysUnused() {
    String identity = r.identity(1);
    SupportActionId action = newAction();
    String code = enrolmentCode(identity, action);
    String form = "grant_type=client_credentials&client_id=" + identity + "&resource=" + Rebinding.enc(Rebinding.API);

    TestServer.Response secret = r.o.token(s.client, form + "&client_secret=" + Rebinding.enc(code));
    TestServer.Response assertion = r.o.token(s.client, form + "&client_assertion_type="
        + Rebinding.enc("urn:ietf:params:oauth:client-assertion-type:jwt-bearer") + "&client_assertion="
        + Rebinding.enc(code));
    TestServer.Response basic = r.o.token(s.client, form, "Authorization", "Basic " + java.util.Base64.getEncoder()
        .encodeToString((identity + ":" + code).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    TestServer.Response bearer = s.get("/api/v1/identities/" + identity, code);

    for (TestServer.Response refused : List.of(secret, assertion, basic)) {
      assertThat(refused.status()).as(refused.body()).isEqualTo(401);
      assertThat(refused.json().get("error").asText()).isEqualTo("invalid_client");
      assertThat(refused.body()).doesNotContain("access_token").doesNotContain(code);
    }
    assertThat(bearer.status()).as(bearer.body()).isEqualTo(401);
    assertThat(bearer.body()).doesNotContain(code);
    EnrolmentCode row = s.server.transactor().read(t -> t.enrolmentCodes().listForSupportAction(action)).get(0);
    assertThat(row.used()).isFalse();
    assertNowhereButTheWebhook(code, identity);
    assertThat(r.w.enrol(code, TestCsr.forKey(TestKeys.ecP256()).pem()).status()).isEqualTo(201);
  }

  // ---- TOTP recovery ------------------------------------------------------------------------------------------

  @Test
  void totpRecovery_ordinaryEnrolmentRefusedWhileOutstanding_codeRedeemedOnceByItsOperatorOnly() {
    Fixtures.Op op = r.f.operator("", "payments");
    Fixtures.Op colleague = r.f.operator("", "payments");
    r.f.enrolTotp(op.token());
    s.server.transactor().inTransaction(t -> s.server.supportDelivery().issueTotpEnrolment(t, "op_agent",
        "req-support", OperatorId.parse(op.id()), null, newAction(), s.clock.instant()));
    JsonNode body = lastPosted("support.totp_enrolment", op.id());
    assertThat(body.path("identity_id").isNull()).isTrue();
    assertThat(body.at("/secret/kind").asText()).isEqualTo("totp_enrolment_code");
    String code = body.at("/secret/value").asText();

    TestServer.Response ordinary = s.post("/api/v1/operators/me/totp", op.token(), "{}");
    TestServer.Response foreign = s.post("/api/v1/operators/me/totp/recover", colleague.token(),
        "{\"code\":\"" + code + "\"}");
    TestServer.Response recovered = s.post("/api/v1/operators/me/totp/recover", op.token(),
        "{\"code\":\"" + code + "\"}");
    TestServer.Response twice = s.post("/api/v1/operators/me/totp/recover", op.token(),
        "{\"code\":\"" + code + "\"}");

    assertThat(ordinary.status()).as(ordinary.body()).isEqualTo(403);
    assertThat(ordinary.code()).isEqualTo("totp_recovery_required");
    assertThat(foreign.status()).as(foreign.body()).isEqualTo(401);
    assertThat(foreign.code()).isEqualTo("totp_enrolment_code_invalid");
    assertThat(recovered.status()).as(recovered.body()).isEqualTo(201);
    assertThat(twice.status()).isEqualTo(401);
    assertThat(twice.code()).isEqualTo("totp_enrolment_code_invalid");
    for (TestServer.Response any : List.of(ordinary, foreign, recovered, twice)) {
      assertThat(any.body()).doesNotContain(code);
    }
    byte[] seed = Fixtures.base32(recovered.json().get("secret").asText());
    TestServer.Response confirmed = s.post("/api/v1/operators/me/totp/confirm", op.token(),
        "{\"code\":\"" + Totp.standard().code(seed, Totp.step(s.clock.instant())) + "\"}");
    assertThat(confirmed.status()).as(confirmed.body()).isEqualTo(204);
    assertThat(r.f.stepUp(op.token(), seed).status()).isEqualTo(200);
    assertNowhereButTheWebhook(code, op.id());
  }

  // ---- recovery codes as continuity proofs --------------------------------------------------------------------

  @Test
  void recoveryCode_provesContinuityOnce_replacementDeliveredAndReuseRefused() {
    String identity = r.identity(1);
    Workloads.Held holder = r.w.enrolled(identity);
    s.server.transactor().inTransaction(t -> s.server.supportDelivery().issueRecoveryCodes(t, "op_agent",
        "req-support", IdentityId.parse(identity), newAction(), s.clock.instant()));
    JsonNode set = lastPosted("support.recovery_codes", identity);
    assertThat(set.at("/secret/kind").asText()).isEqualTo("recovery_codes");
    assertThat(set.at("/secret/values")).hasSize(10);
    String code = set.at("/secret/values/0").asText();
    assertThat(code).matches("bnd_rc_[a-z2-7]{16}");
    JsonNode request = r.requested(r.owner, Rebinding.csrRequest("rotate", identity, TestKeys.ecP256(),
        holder.credentialId()));
    String id = request.get("id").asText();
    Rebinding.State before = r.state();

    TestServer.Response both = r.action(r.owner.token(), id, "continuity",
        "{\"recovery_code\":\"" + code + "\",\"challenge_id\":\"chl_x\",\"proof\":\"x\"}");
    r.assertRefused(both, 400, "invalid_field", before, 0);
    TestServer.Response proven = r.action(r.owner.token(), id, "continuity", "{\"recovery_code\":\"" + code + "\"}");

    assertThat(proven.status()).as(proven.body()).isEqualTo(200);
    assertThat(proven.json().at("/continuity/method").asText()).isEqualTo("recovery_code");
    assertThat(proven.json().at("/continuity/credential_id").isNull()).isTrue();
    assertThat(proven.body()).doesNotContain(code);
    JsonNode used = lastPosted("recovery_code.used", identity);
    assertThat(used.path("change_request_id").asText()).isEqualTo(id);
    assertThat(used.at("/secret/kind").asText()).isEqualTo("recovery_code");
    String replacement = used.at("/secret/value").asText();
    assertThat(replacement).matches("bnd_rc_[a-z2-7]{16}").isNotEqualTo(code);

    assertThat(r.action(r.owner.token(), id, "cancel", "{\"comment\":\"retry\"}").status()).isEqualTo(200);
    String second = r.requested(r.owner, Rebinding.csrRequest("rotate", identity, TestKeys.ecP256(),
        holder.credentialId())).get("id").asText();
    Rebinding.State beforeReuse = r.state();
    TestServer.Response reused = r.action(r.owner.token(), second, "continuity",
        "{\"recovery_code\":\"" + code + "\"}");
    r.assertRefused(reused, 401, "recovery_code_invalid", beforeReuse, 1);
    assertThat(reused.body()).doesNotContain(code);
    assertThat(r.action(r.owner.token(), second, "continuity", "{\"recovery_code\":\"" + replacement + "\"}")
        .status()).isEqualTo(200);
    assertNowhereButTheWebhook(code, identity);
    assertNowhereButTheWebhook(replacement, identity);
  }

  // ---- "this was not us" for support actions --------------------------------------------------------------------

  @Test
  void disavowLinkOfASupportAction_routedToTheSupportHandlerAsTheLink() {
    String identity = r.identity(1);
    SupportActionId action = newAction();
    s.server.transactor().inTransaction(t -> s.server.supportNotifier().queued(t, action,
        SupportTarget.identity(IdentityId.parse(identity)), "support.applied", Map.of("type", "token_reissue"), true,
        s.clock.instant()));
    JsonNode body = lastPosted("support.applied", identity);
    assertThat(body.path("support_action_id").asText()).isEqualTo(action.value());
    String url = body.path("disavow_url").asText();
    String token = url.substring(url.lastIndexOf('/') + 1);

    TestServer.Response followed = s.post("/api/v1/disavow/" + token, null, null);

    assertThat(followed.status()).as(followed.body()).isEqualTo(200);
    assertThat(followed.json().get("support_action_id").asText()).isEqualTo(action.value());
    assertThat(followed.json().get("change_request_id").isNull()).isTrue();
    assertThat(followed.json().get("identity_id").asText()).isEqualTo(identity);
    assertThat(SUPPORT_DISAVOWS).contains(action + " disavow_link true");
    assertThat(s.post("/api/v1/disavow/" + token, null, null).status()).isEqualTo(404);
  }
}
