package dev.bindery.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.bindery.audit.AuditEvent;
import dev.bindery.audit.Outcome;
import dev.bindery.common.ErrorCode;
import dev.bindery.common.RejectedException;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/**
 * Assertions for the rule "each rejection test checks the code and that nothing was written". Take a
 * {@link StoreState} before the call, then check the rejection and what (if anything) the audit log gained.
 */
public final class BinderyAssertions {
  private BinderyAssertions() {}

  /** Asserts that {@code call} is rejected with {@code code} and returns the rejection for further checks. */
  public static RejectedException assertRejected(ThrowingCallable call, ErrorCode code) {
    RejectedException e = catchThrowableOfType(RejectedException.class, call);
    assertThat(e).as("expected a rejection with code %s", code.code()).isNotNull();
    assertThat(e.code()).as("rejection code (message: %s)", e.getMessage()).isEqualTo(code);
    return e;
  }

  /** Nothing at all changed since {@code before}: no row and no audit event. */
  public static void assertNothingWritten(TestBindery bindery, StoreState before) {
    assertThat(bindery.auditSince(before.auditHead().seq())).as("audit events written").isEmpty();
    assertThat(bindery.state()).isEqualTo(before);
  }

  /**
   * Only one {@code denied} audit event was written since {@code before} (for {@code action} by {@code actor}
   * on {@code target}, recording {@code code}); no other row changed. Returns that event.
   */
  public static AuditEvent assertOnlyDenied(TestBindery bindery, StoreState before, String action, String actor,
      String target, ErrorCode code) {
    List<AuditEvent> events = bindery.auditSince(before.auditHead().seq());
    assertThat(events).as("audit events written").hasSize(1);
    AuditEvent e = events.get(0);
    assertThat(e.outcome()).isEqualTo(Outcome.DENIED);
    assertThat(e.action()).isEqualTo(action);
    assertThat(e.actor()).isEqualTo(actor);
    assertThat(e.target()).isEqualTo(target);
    assertThat(e.details().get("code")).isEqualTo(code.code());
    assertThat(bindery.state().withoutAudit()).isEqualTo(before.withoutAudit());
    return e;
  }

  /** Exactly the given actions were audited as successes since {@code seq}, in order. */
  public static List<AuditEvent> assertAuditedSince(TestBindery bindery, long seq, String... actions) {
    List<AuditEvent> events = bindery.auditSince(seq);
    assertThat(events).extracting(AuditEvent::action).containsExactly(actions);
    assertThat(events).extracting(AuditEvent::outcome).containsOnly(Outcome.SUCCESS);
    return events;
  }
}
