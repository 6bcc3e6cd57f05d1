package dev.bindery.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bindery.audit.AuditEvent;
import dev.bindery.audit.Outcome;
import dev.bindery.credential.CredentialService;
import dev.bindery.testkit.pki.TestCsr;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The public enrolment route cannot be used to fill the audit log: after ten refused attempts from one address in
 * a minute, it answers 429 {@code rate_limited} with {@code Retry-After} (from the server's clock), audits the first
 * such answer and no further one, and consumes nothing, until the window ends.
 */
class EnrolmentRateLimitHttpTest {
  private static final String UNKNOWN = "bnd_enr_" + "c".repeat(52);
  @TempDir static Path dir;
  static TestServer s;
  static Workloads w;
  static String identity;

  @BeforeAll
  static void start() {
    s = TestServer.start(dir);
    w = new Workloads(s);
    Fixtures f = new Fixtures(s);
    f.team("payments");
    f.team("platform");
    identity = f.identity(s.adminToken, "payments", "team:platform");
  }

  @AfterAll
  static void stop() {
    s.close();
  }

  @Test
  void enrol_tenRefusalsThenRateLimitedWithRetryAfterAuditedOnceAndNothingConsumed() {
    String code = w.code(s.adminToken, identity);
    long audit = s.auditHead();
    for (int i = 0; i < CredentialService.ENROLMENT_REFUSALS_PER_WINDOW; i++) {
      TestServer.Response r = w.enrol(UNKNOWN, TestCsr.ecP256Pem());
      assertThat(r.status()).as(r.body()).isEqualTo(401);
      assertThat(r.code()).isEqualTo("enrolment_code_invalid");
    }
    assertThat(s.auditHead()).isEqualTo(audit + CredentialService.ENROLMENT_REFUSALS_PER_WINDOW);
    s.clock.advance(Duration.ofSeconds(20));

    TestServer.Response limited = w.enrol(UNKNOWN, TestCsr.ecP256Pem());

    assertThat(limited.status()).as(limited.body()).isEqualTo(429);
    assertThat(limited.header("Content-Type")).startsWith("application/problem+json");
    assertThat(limited.code()).isEqualTo("rate_limited");
    assertThat(limited.json().get("title").asText()).isEqualTo("Too many requests");
    assertThat(limited.header("Retry-After")).isEqualTo("40");
    assertThat(s.auditHead()).isEqualTo(audit + CredentialService.ENROLMENT_REFUSALS_PER_WINDOW + 1);
    AuditEvent e = s.lastAuditEvent();
    assertThat(e.outcome()).isEqualTo(Outcome.DENIED);
    assertThat(e.action()).isEqualTo("credential.enrol");
    assertThat(e.details()).containsEntry("code", "rate_limited").containsEntry("source", "127.0.0.1");
    Workloads.Snapshot before = w.snapshot(identity);

    // further attempts, a valid code included, are refused without any write
    for (int i = 0; i < 30; i++) {
      assertThat(w.enrol(UNKNOWN, TestCsr.ecP256Pem()).status()).isEqualTo(429);
    }
    TestServer.Response valid = w.enrol(code, TestCsr.ecP256Pem());
    assertThat(valid.status()).isEqualTo(429);
    assertThat(valid.header("Retry-After")).isEqualTo("40");
    assertThat(w.snapshot(identity)).isEqualTo(before);
    assertThat(s.get("/health/live", null).status()).isEqualTo(200);
    // operator routes are not limited
    assertThat(s.get("/api/v1/identities/" + identity, s.adminToken).status()).isEqualTo(200);

    // the window ends: the unused code works
    s.clock.advance(Duration.ofSeconds(40));
    TestServer.Response after = w.enrol(code, TestCsr.ecP256Pem());
    assertThat(after.status()).as(after.body()).isEqualTo(201);
  }
}
