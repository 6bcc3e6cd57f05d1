package dev.bindery.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bindery.audit.AuditEvent;
import dev.bindery.audit.Outcome;
import dev.bindery.testkit.TestTotp;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sensitive routes (retire, ownership transfer, role grant, re-provision) need a fresh TOTP step-up: refused
 * without one, allowed after one, refused again once the window has passed; a replayed code is refused.
 */
class StepUpTest {
  @TempDir static Path dir;
  static TestServer s;
  static Fixtures f;

  @BeforeAll
  static void start() {
    s = TestServer.start(dir);
    f = new Fixtures(s);
    f.team("payments");
    f.team("platform");
  }

  @AfterAll
  static void stop() {
    s.close();
  }

  private static void assertStepUpRequired(TestServer.Response r, String action) {
    assertThat(r.status()).as(r.body()).isEqualTo(403);
    assertThat(r.code()).isEqualTo("step_up_required");
    assertThat(s.lastAuditEvent().outcome()).isEqualTo(Outcome.DENIED);
    assertThat(s.lastAuditEvent().action()).isEqualTo(action);
  }

  private static String retireBody(String id) {
    return "{\"reason\":\"decommissioned\",\"version\":" + f.version("/api/v1/identities/" + id) + "}";
  }

  @Test
  void sensitiveRoutes_refusedWithoutStepUp_allowedAfter_refusedAfterWindow_replayRefused() {
    String subject = "{\"issuer\":\"https://ci.example\",\"subject\":\"repo:billing\"}";
    TestServer.Response created = s.post("/api/v1/identities", s.adminToken, BadInputTest.VALID_CREATE
        .replace("}", ",\"external_subject\":" + subject + "}"));
    assertThat(created.status()).isEqualTo(201);
    String id = created.json().get("id").asText();
    String other = f.identity(s.adminToken, "payments", "team:platform");
    Fixtures.Op target = f.operator("", "payments");
    String reprovision = BadInputTest.VALID_CREATE.replace("}", ",\"external_subject\":" + subject + "}");

    // 1. no step-up yet: each sensitive route is refused, audited as denied, and changes nothing
    long identities = s.identityCount();
    assertStepUpRequired(s.post("/api/v1/identities/" + id + "/retire", s.adminToken, retireBody(id)), "identity.retire");
    assertStepUpRequired(s.send("PUT", "/api/v1/identities/" + other + "/owners", s.adminToken,
        "{\"owner_team\":\"platform\",\"backup_owner\":\"team:payments\",\"version\":1}"), "identity.transfer_ownership");
    assertStepUpRequired(s.post("/api/v1/operators/" + target.id() + "/roles", s.adminToken,
        "{\"role\":\"supervisor\",\"version\":1}"), "operator.grant_role");
    assertStepUpRequired(s.post("/api/v1/identities/reprovision", s.adminToken, reprovision), "identity.reprovision");
    assertThat(s.identityCount()).isEqualTo(identities);
    assertThat(s.get("/api/v1/identities/" + id, s.adminToken).json().get("status").asText()).isEqualTo("active");

    // 2. after a step-up they pass
    byte[] seed = f.enrolTotp(s.adminToken);
    TestServer.Response stepUp = f.stepUp(s.adminToken, seed);
    assertThat(stepUp.status()).as(stepUp.body()).isEqualTo(200);
    assertThat(stepUp.json().get("step_up_valid_until").asText()).endsWith("Z");
    TestServer.Response retired = s.post("/api/v1/identities/" + id + "/retire", s.adminToken, retireBody(id));
    assertThat(retired.status()).as(retired.body()).isEqualTo(200);
    assertThat(retired.json().get("status").asText()).isEqualTo("retired");
    TestServer.Response moved = s.send("PUT", "/api/v1/identities/" + other + "/owners", s.adminToken,
        "{\"owner_team\":\"platform\",\"backup_owner\":\"team:payments\",\"version\":1}");
    assertThat(moved.status()).as(moved.body()).isEqualTo(200);
    assertThat(moved.json().get("owner_team").asText()).isEqualTo("platform");
    TestServer.Response granted = s.post("/api/v1/operators/" + target.id() + "/roles", s.adminToken,
        "{\"role\":\"supervisor\",\"version\":1}");
    assertThat(granted.status()).as(granted.body()).isEqualTo(200);
    assertThat(granted.json().get("roles").toString()).contains("supervisor");

    // a retired identity's subject is not silently re-used by a create
    TestServer.Response linked = s.post("/api/v1/identities", s.adminToken, reprovision);
    assertThat(linked.status()).isEqualTo(409);
    assertThat(linked.code()).isEqualTo("subject_linked_to_retired_identity");
    assertThat(linked.json().get("detail").asText()).contains(id);
    TestServer.Response successor = s.post("/api/v1/identities/reprovision", s.adminToken, reprovision);
    assertThat(successor.status()).as(successor.body()).isEqualTo(201);
    assertThat(successor.json().get("predecessor").asText()).isEqualTo(id);
    assertThat(successor.json().get("id").asText()).isNotEqualTo(id);

    // 3. a replayed code is refused
    long audit = s.auditHead();
    TestServer.Response replay = s.post("/api/v1/operators/me/step-up", s.adminToken,
        "{\"code\":\"" + f.code(seed) + "\"}");
    assertThat(replay.status()).isEqualTo(403);
    assertThat(replay.code()).isEqualTo("totp_replayed");
    assertThat(s.auditHead()).isEqualTo(audit + 1);
    assertThat(s.lastAuditEvent().outcome()).isEqualTo(Outcome.DENIED);

    // 4. once the window has passed, step-up is required again
    s.clock.advance(Duration.ofSeconds(301));
    String third = f.identity(s.adminToken, "payments", "team:platform");
    assertStepUpRequired(s.post("/api/v1/identities/" + third + "/retire", s.adminToken, retireBody(third)),
        "identity.retire");

    // 5. a wrong code is refused as invalid
    TestServer.Response wrong = s.post("/api/v1/operators/me/step-up", s.adminToken, "{\"code\":\"000000\"}".replace(
        "000000", f.code(seed).equals("000000") ? "111111" : "000000"));
    assertThat(wrong.status()).isEqualTo(403);
    assertThat(wrong.code()).isEqualTo("totp_invalid");
  }
  @Test
  void stepUp_afterFiveFailedAttemptsInFifteenMinutes_refusedTotpLockedEvenWithCorrectCode() {
    Fixtures.Op op = f.operator("", "payments");
    byte[] seed = f.enrolTotp(op.token());
    Instant firstFailure = s.clock.instant();
    for (int i = 0; i < 5; i++) {
      TestServer.Response wrong = s.post("/api/v1/operators/me/step-up", op.token(),
          "{\"code\":\"" + TestTotp.wrongCode(s.clock.instant(), seed) + "\"}");
      assertThat(wrong.status()).as(wrong.body()).isEqualTo(403);
      assertThat(wrong.code()).isEqualTo("totp_invalid");
      s.clock.advance(Duration.ofMinutes(1));
    }
    long audit = s.auditHead();

    TestServer.Response locked = f.stepUp(op.token(), seed);

    assertThat(locked.status()).as(locked.body()).isEqualTo(403);
    assertThat(locked.header("Content-Type")).startsWith("application/problem+json");
    assertThat(locked.code()).isEqualTo("totp_locked");
    assertThat(locked.json().get("detail").asText())
        .isEqualTo("step-up is locked after 5 failed attempts; try again after " + firstFailure.truncatedTo(java.time.temporal.ChronoUnit.MILLIS).plus(Duration.ofMinutes(15)));
    assertThat(s.auditHead()).isEqualTo(audit + 1);
    AuditEvent denied = s.lastAuditEvent();
    assertThat(denied.outcome()).isEqualTo(Outcome.DENIED);
    assertThat(denied.action()).isEqualTo("operator.step_up");
    assertThat(denied.actor()).isEqualTo(op.id());
    assertThat(denied.details().get("code")).isEqualTo("totp_locked");
    TestServer.Response me = s.get("/api/v1/operators/me", op.token());
    assertThat(me.status()).isEqualTo(200);

    // the lock lifts once the first failure is more than 15 minutes old
    s.clock.advance(Duration.between(s.clock.instant(), firstFailure.plus(Duration.ofMinutes(15)).plusSeconds(1)));
    TestServer.Response unlocked = f.stepUp(op.token(), seed);
    assertThat(unlocked.status()).as(unlocked.body()).isEqualTo(200);
    assertThat(s.lastAuditEvent().outcome()).isEqualTo(Outcome.SUCCESS);
  }
}
