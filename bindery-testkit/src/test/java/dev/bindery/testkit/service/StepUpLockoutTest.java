package dev.bindery.testkit.service;

import static dev.bindery.testkit.BinderyAssertions.assertOnlyDenied;
import static dev.bindery.testkit.BinderyAssertions.assertRejected;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bindery.audit.AuditEvent;
import dev.bindery.audit.Outcome;
import dev.bindery.common.ErrorCode;
import dev.bindery.common.RejectedException;
import dev.bindery.identity.TeamId;
import dev.bindery.operator.OperatorService;
import dev.bindery.operator.TotpFactor;
import dev.bindery.security.Caller;
import dev.bindery.testkit.StoreState;
import dev.bindery.testkit.TestBindery;
import dev.bindery.testkit.TestOperator;
import dev.bindery.testkit.TestTotp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The step-up brute-force limit: after 5 failed attempts by one operator within 15 minutes, every attempt is
 * refused with {@code totp_locked}, a correct code included, until the oldest failure leaves the window.
 */
class StepUpLockoutTest {
  private static final Duration WINDOW = Duration.ofMinutes(15);

  private TestBindery b;
  private OperatorService service;
  private TestOperator member;
  private TestOperator other;

  @BeforeEach
  void setUp() {
    b = TestBindery.inMemory();
    service = b.operators();
    TeamId payments = b.team("payments");
    member = b.member(payments);
    other = b.member(payments);
    b.ensureTotp(member);
    b.ensureTotp(other);
  }

  @Test
  void limits_areFiveFailuresInFifteenMinutes() {
    assertThat(OperatorService.STEP_UP_MAX_FAILURES).isEqualTo(5);
    assertThat(OperatorService.STEP_UP_FAILURE_WINDOW).isEqualTo(WINDOW);
  }

  @Test
  void stepUp_fourFailures_correctCodeStillAccepted() {
    failTimes(member, 4, Duration.ofMinutes(1));

    Instant validUntil = service.stepUp(b.caller(member), b.nextTotpCode(member));

    assertThat(validUntil).isEqualTo(b.clock().instant().plus(Duration.ofMinutes(5)));
    assertThat(b.caller(member).stepUpAt()).isEqualTo(b.clock().instant());
  }

  @Test
  void stepUp_afterFiveFailures_correctCodeRefusedTotpLockedDeniedAndNothingElseWritten() {
    Instant first = b.clock().instant();
    failTimes(member, 5, Duration.ofMinutes(1));
    TotpFactor factorBefore = factor(member);
    Caller caller = b.caller(member);
    String correct = b.nextTotpCode(member);
    StoreState before = b.state();

    RejectedException e = assertRejected(() -> service.stepUp(caller, correct), ErrorCode.TOTP_LOCKED);

    assertThat(e.getMessage()).isEqualTo("step-up is locked after 5 failed attempts; try again after "
        + first.plus(WINDOW));
    AuditEvent denied = assertOnlyDenied(b, before, "operator.step_up", member.id().value(), member.id().value(),
        ErrorCode.TOTP_LOCKED);
    assertThat(denied.details()).doesNotContainKey("token_id");
    assertThat(factor(member).lastUsedStep()).isEqualTo(factorBefore.lastUsedStep());
    assertThat(b.caller(member).stepUpAt()).isNull();
  }

  @Test
  void stepUp_afterFiveFailures_wrongCodeRefusedTotpLockedNotTotpInvalid() {
    failTimes(member, 5, Duration.ZERO);
    Caller caller = b.caller(member);
    String wrong = wrongCode();
    StoreState before = b.state();

    assertRejected(() -> service.stepUp(caller, wrong), ErrorCode.TOTP_LOCKED);

    assertOnlyDenied(b, before, "operator.step_up", member.id().value(), member.id().value(), ErrorCode.TOTP_LOCKED);
  }

  @Test
  void stepUp_lock_liftsOnlyWhenOldestFailureIsMoreThanFifteenMinutesOld() {
    Instant first = b.clock().instant();
    failTimes(member, 5, Duration.ofMinutes(2));

    b.clock().set(first.plus(WINDOW));
    assertRejected(() -> service.stepUp(b.caller(member), b.nextTotpCode(member)), ErrorCode.TOTP_LOCKED);

    b.clock().set(first.plus(WINDOW).plusMillis(1));
    Instant validUntil = service.stepUp(b.caller(member), b.nextTotpCode(member));

    assertThat(validUntil).isEqualTo(first.plus(WINDOW).plusMillis(1).plus(Duration.ofMinutes(5)));
  }

  @Test
  void stepUp_refusalsDuringLock_doNotExtendIt() {
    Instant first = b.clock().instant();
    failTimes(member, 5, Duration.ZERO);
    for (int i = 0; i < 10; i++) {
      b.clock().advance(Duration.ofMinutes(1));
      assertRejected(() -> service.stepUp(b.caller(member), b.nextTotpCode(member)), ErrorCode.TOTP_LOCKED);
    }

    b.clock().set(first.plus(WINDOW).plusSeconds(1));

    assertThat(service.stepUp(b.caller(member), b.nextTotpCode(member))).isAfter(first);
  }

  @Test
  void stepUp_slidingWindow_relocksWhenFiveFailuresFallInAnyFifteenMinutes() {
    Instant first = b.clock().instant();
    failTimes(member, 5, Duration.ofMinutes(3)); // at 0, 3, 6, 9, 12 minutes
    b.clock().set(first.plus(WINDOW).plusSeconds(1));
    fail(member); // 15m01s: the failure at 0 has left the window, so this attempt was checked and failed

    RejectedException e = assertRejected(() -> service.stepUp(b.caller(member), b.nextTotpCode(member)),
        ErrorCode.TOTP_LOCKED);

    assertThat(e.getMessage()).endsWith("try again after " + first.plus(Duration.ofMinutes(3)).plus(WINDOW));
  }

  @Test
  void stepUp_replayedCodes_countAsFailures() {
    String used = b.nextTotpCode(member);
    service.stepUp(b.caller(member), used);
    for (int i = 0; i < 5; i++) {
      assertRejected(() -> service.stepUp(b.caller(member), used), ErrorCode.TOTP_REPLAYED);
    }

    assertRejected(() -> service.stepUp(b.caller(member), b.nextTotpCode(member)), ErrorCode.TOTP_LOCKED);
  }

  @Test
  void stepUp_successfulStepUp_clearsEarlierFailures() {
    failTimes(member, 4, Duration.ZERO);
    service.stepUp(b.caller(member), b.nextTotpCode(member));
    failTimes(member, 4, Duration.ZERO);

    Instant validUntil = service.stepUp(b.caller(member), b.nextTotpCode(member));

    assertThat(validUntil).isEqualTo(b.clock().instant().plus(Duration.ofMinutes(5)));
  }

  @Test
  void stepUp_lockOfOneOperator_doesNotLockAnother() {
    failTimes(member, 5, Duration.ZERO);

    Instant validUntil = service.stepUp(b.caller(other), b.nextTotpCode(other));

    assertThat(validUntil).isEqualTo(b.clock().instant().plus(Duration.ofMinutes(5)));
    assertRejected(() -> service.stepUp(b.caller(member), b.nextTotpCode(member)), ErrorCode.TOTP_LOCKED);
  }

  @Test
  void stepUp_eachFailedAttempt_auditedAsDeniedWithItsCode() {
    long seq = b.auditHead().seq();

    failTimes(member, 5, Duration.ZERO);
    assertRejected(() -> service.stepUp(b.caller(member), b.nextTotpCode(member)), ErrorCode.TOTP_LOCKED);

    List<AuditEvent> events = b.auditSince(seq);
    assertThat(events).extracting(AuditEvent::action).containsOnly("operator.step_up");
    assertThat(events).extracting(AuditEvent::outcome).containsOnly(Outcome.DENIED);
    assertThat(events).extracting(e -> e.details().get("code"))
        .containsExactly("totp_invalid", "totp_invalid", "totp_invalid", "totp_invalid", "totp_invalid", "totp_locked");
  }

  // ---- helpers --------------------------------------------------------------------------------------

  private void failTimes(TestOperator op, int times, Duration apart) {
    for (int i = 0; i < times; i++) {
      if (i > 0 && !apart.isZero()) {
        b.clock().advance(apart);
      }
      fail(op);
    }
  }

  private void fail(TestOperator op) {
    Caller caller = b.caller(op);
    assertRejected(() -> service.stepUp(caller, wrongCode()), ErrorCode.TOTP_INVALID);
  }

  /** A six-digit code that neither operator's seed accepts now. */
  private String wrongCode() {
    return TestTotp.wrongCode(b.clock().instant(), member.totpSeed(), other.totpSeed());
  }

  private TotpFactor factor(TestOperator op) {
    return b.store().read(t -> t.totp().find(op.id())).orElseThrow();
  }
}
