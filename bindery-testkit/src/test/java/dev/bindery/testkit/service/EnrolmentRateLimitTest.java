package dev.bindery.testkit.service;

import static dev.bindery.testkit.BinderyAssertions.assertNothingWritten;
import static dev.bindery.testkit.BinderyAssertions.assertOnlyDenied;
import static dev.bindery.testkit.BinderyAssertions.assertRejected;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bindery.audit.AuditEvent;
import dev.bindery.common.ErrorCode;
import dev.bindery.common.RateLimitedException;
import dev.bindery.credential.CredentialService;
import dev.bindery.credential.IssuedSvid;
import dev.bindery.identity.Identity;
import dev.bindery.testkit.StoreState;
import dev.bindery.testkit.pki.TestCsr;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Refused enrolments are limited per source so that the public enrolment route cannot fill the audit log: ten
 * audited refusals per minute and address, then {@code rate_limited} with the time left, audited once per window.
 */
class EnrolmentRateLimitTest {
  private static final String ATTACKER = "203.0.113.7";
  private static final String UNKNOWN = "bnd_enr_" + "a".repeat(52);
  private final CredentialFixture f = new CredentialFixture();

  private void refusedTimes(String source, int times) {
    for (int i = 0; i < times; i++) {
      assertRejected(() -> f.service.enrol(UNKNOWN, CredentialFixture.csr(), source, CredentialFixture.REQUEST_ID),
          ErrorCode.ENROLMENT_CODE_INVALID);
    }
  }

  @Test
  void enrol_tenRefusalsFromOneAddress_eleventhRateLimitedAuditedOnceWithTheSource() {
    refusedTimes(ATTACKER, CredentialService.ENROLMENT_REFUSALS_PER_WINDOW);
    f.advance(Duration.ofSeconds(15));
    StoreState before = f.b.state();

    RateLimitedException limited = (RateLimitedException) assertRejected(() -> f.service.enrol(UNKNOWN,
        CredentialFixture.csr(), ATTACKER, CredentialFixture.REQUEST_ID), ErrorCode.RATE_LIMITED);

    assertThat(limited.retryAfter()).isEqualTo(Duration.ofSeconds(45));
    assertThat(limited.retryAfterSeconds()).isEqualTo(45);
    AuditEvent e = assertOnlyDenied(f.b, before, "credential.enrol", "anonymous", "", ErrorCode.RATE_LIMITED);
    assertThat(e.details()).containsEntry("source", ATTACKER).containsEntry("retry_after_seconds", 45L);
  }

  @Test
  void enrol_rateLimited_furtherAttemptsWriteNothingEvenWithAValidCodeWhichStaysUsable() {
    Identity identity = f.workload();
    String code = f.code(identity.id()).code().reveal();
    refusedTimes(ATTACKER, CredentialService.ENROLMENT_REFUSALS_PER_WINDOW);
    assertRejected(() -> f.service.enrol(UNKNOWN, CredentialFixture.csr(), ATTACKER, CredentialFixture.REQUEST_ID),
        ErrorCode.RATE_LIMITED); // the first block of the window: audited
    StoreState before = f.b.state();

    for (int i = 0; i < 20; i++) {
      assertRejected(() -> f.service.enrol(UNKNOWN, CredentialFixture.csr(), ATTACKER, CredentialFixture.REQUEST_ID),
          ErrorCode.RATE_LIMITED);
    }
    assertRejected(() -> f.service.enrol(code, CredentialFixture.csr(), ATTACKER, CredentialFixture.REQUEST_ID),
        ErrorCode.RATE_LIMITED);

    assertNothingWritten(f.b, before);
    // the window ends: the same address may try again, and the code was never consumed
    f.advance(CredentialService.ENROLMENT_REFUSAL_WINDOW);
    IssuedSvid issued = f.service.enrol(code, CredentialFixture.csr(), ATTACKER, CredentialFixture.REQUEST_ID);
    assertThat(issued.credential().credential().identityId()).isEqualTo(identity.id());
  }

  @Test
  void enrol_otherAddress_isNotLimitedByTheFirst() {
    Identity identity = f.workload();
    refusedTimes(ATTACKER, CredentialService.ENROLMENT_REFUSALS_PER_WINDOW);

    IssuedSvid issued = f.service.enrol(f.code(identity.id()).code().reveal(), CredentialFixture.csr(), "198.51.100.1",
        CredentialFixture.REQUEST_ID);

    assertThat(issued.credential().credential().generation()).isEqualTo(1);
  }

  @Test
  void enrol_successesAndCsrErrors_doNotCountTowardTheLimit() {
    Identity identity = f.workload();
    for (int i = 0; i < 12; i++) {
      f.service.enrol(f.code(identity.id()).code().reveal(), CredentialFixture.csr(), ATTACKER,
          CredentialFixture.REQUEST_ID);
    }
    String code = f.code(identity.id()).code().reveal();
    String tampered = TestCsr.forKey(dev.bindery.testkit.pki.TestKeys.ecP256()).tamperSignature().pem();
    for (int i = 0; i < 12; i++) {
      assertRejected(() -> f.service.enrol(code, tampered, ATTACKER, CredentialFixture.REQUEST_ID),
          ErrorCode.CSR_SIGNATURE_INVALID);
    }

    refusedTimes(ATTACKER, CredentialService.ENROLMENT_REFUSALS_PER_WINDOW);
    assertRejected(() -> f.service.enrol(UNKNOWN, CredentialFixture.csr(), ATTACKER, CredentialFixture.REQUEST_ID),
        ErrorCode.RATE_LIMITED);
  }

  @Test
  void enrol_usedExpiredAndInactiveRefusals_allCount() {
    Identity identity = f.workload();
    String used = f.code(identity.id()).code().reveal();
    f.service.enrol(used, CredentialFixture.csr(), ATTACKER, CredentialFixture.REQUEST_ID);
    for (int i = 0; i < CredentialService.ENROLMENT_REFUSALS_PER_WINDOW; i++) {
      assertRejected(() -> f.service.enrol(used, CredentialFixture.csr(), ATTACKER, CredentialFixture.REQUEST_ID),
          ErrorCode.ENROLMENT_CODE_USED);
    }

    assertRejected(() -> f.service.enrol(UNKNOWN, CredentialFixture.csr(), ATTACKER, CredentialFixture.REQUEST_ID),
        ErrorCode.RATE_LIMITED);
  }
}
