package dev.bindery.change;

import static dev.bindery.testkit.RebindingFixture.csrRequest;
import static dev.bindery.testkit.BinderyAssertions.assertOnlyDenied;
import static dev.bindery.testkit.BinderyAssertions.assertRejected;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bindery.audit.AuditEvent;
import dev.bindery.audit.Outcome;
import dev.bindery.common.ErrorCode;
import dev.bindery.identity.Identity;
import dev.bindery.security.Caller;
import dev.bindery.testkit.RebindingFixture;
import dev.bindery.testkit.StoreState;
import dev.bindery.testkit.pki.TestKeys;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Approvals: never by the requester, at most one per operator, only in a role the approver holds, always after a
 * fresh step-up; rejection, cancellation and expiry on touch.
 */
class ApprovalTest {
  final RebindingFixture f = new RebindingFixture();
  /** A level-2 recover: needs an owner and a security officer. */
  final Identity id = f.workload(2);
  final RebindingFixture.Enrolled current = f.enrol(id.id());
  final ChangeRequest request = f.create(f.owner, csrRequest(ChangeType.RECOVER, id.id(), TestKeys.ecP256(),
      current.id()));

  @Test
  void approve_ownerThenSecurityOfficer_approvedWithBothRecordedAndAudited() {
    long seq = f.b.auditHead().seq();

    ChangeRequest first = f.approve(f.owner2, request.id(), ApproverRole.OWNER);
    ChangeRequest second = f.approve(f.securityOfficer, request.id(), ApproverRole.SECURITY_OFFICER);

    assertThat(first.state()).isEqualTo(ChangeState.PENDING);
    assertThat(first.missing()).containsExactly("approval:security_officer");
    assertThat(second.state()).isEqualTo(ChangeState.APPROVED);
    assertThat(second.missing()).isEmpty();
    assertThat(second.approvals()).extracting(Approval::operator, Approval::role).containsExactly(
        org.assertj.core.groups.Tuple.tuple(f.owner2.id(), ApproverRole.OWNER),
        org.assertj.core.groups.Tuple.tuple(f.securityOfficer.id(), ApproverRole.SECURITY_OFFICER));
    assertThat(second.approvals()).allSatisfy(a -> assertThat(a.stepUpAt()).isNotNull());
    assertThat(f.stored(request.id())).isEqualTo(second);
    List<AuditEvent> approvals = f.b.auditSince(seq).stream()
        .filter(e -> e.action().equals("change_request.approve")).toList();
    assertThat(approvals).hasSize(2);
    assertThat(approvals.get(1).details()).containsEntry("role", "security_officer")
        .containsEntry("before", Map.of("state", "pending")).containsEntry("after", Map.of("state", "approved"));
    assertThat(f.notifier.events()).containsExactly(ChangeEvent.CREATED, ChangeEvent.APPROVAL, ChangeEvent.APPROVAL);
  }

  @Test
  void approve_byTheRequester_selfApprovalAndOnlyTheDenialWritten() {
    Caller requester = f.steppedUp(f.owner);
    StoreState before = f.b.state();

    assertRejected(() -> f.service.approve(requester, request.id(), ApproverRole.OWNER, null),
        ErrorCode.SELF_APPROVAL);

    assertOnlyDenied(f.b, before, "change_request.approve", f.owner.id().value(), request.id().value(),
        ErrorCode.SELF_APPROVAL);
  }

  @Test
  void approve_secondTimeBySameOperatorEvenInAnotherRole_alreadyApproved() {
    // an operator both owner and security officer still gives one approval only
    var both = f.b.operator("owner and officer", java.util.EnumSet.of(dev.bindery.operator.Role.SECURITY_OFFICER),
        java.util.Set.of(f.payments));
    f.approve(both, request.id(), ApproverRole.OWNER);
    Caller again = f.steppedUp(both);
    StoreState before = f.b.state();

    assertRejected(() -> f.service.approve(again, request.id(), ApproverRole.SECURITY_OFFICER, null),
        ErrorCode.ALREADY_APPROVED);

    assertOnlyDenied(f.b, before, "change_request.approve", both.id().value(), request.id().value(),
        ErrorCode.ALREADY_APPROVED);
    assertThat(f.stored(request.id()).state()).isEqualTo(ChangeState.PENDING);
  }

  @Test
  void approve_withoutTheRole_approverNotEntitled() {
    Caller supervisor = f.steppedUp(f.supervisor);
    Caller backup = f.steppedUp(f.backupMember);
    Caller outsider = f.steppedUp(f.outsider);
    StoreState before = f.b.state();

    assertRejected(() -> f.service.approve(supervisor, request.id(), ApproverRole.SECURITY_OFFICER, null),
        ErrorCode.APPROVER_NOT_ENTITLED);
    assertOnlyDenied(f.b, before, "change_request.approve", f.supervisor.id().value(), request.id().value(),
        ErrorCode.APPROVER_NOT_ENTITLED);
    // a backup owner is not a member of the owning team: no owner approval
    StoreState next = f.b.state();
    assertRejected(() -> f.service.approve(backup, request.id(), ApproverRole.OWNER, null),
        ErrorCode.APPROVER_NOT_ENTITLED);
    assertOnlyDenied(f.b, next, "change_request.approve", f.backupMember.id().value(), request.id().value(),
        ErrorCode.APPROVER_NOT_ENTITLED);
    StoreState last = f.b.state();
    assertRejected(() -> f.service.approve(outsider, request.id(), ApproverRole.OWNER, null),
        ErrorCode.APPROVER_NOT_ENTITLED);
    assertOnlyDenied(f.b, last, "change_request.approve", f.outsider.id().value(), request.id().value(),
        ErrorCode.APPROVER_NOT_ENTITLED);
  }

  @Test
  void approve_withoutAFreshStepUp_stepUpRequired() {
    Caller notSteppedUp = f.caller(f.securityOfficer);
    Caller stale = f.steppedUp(f.owner2);
    f.advance(Duration.ofMinutes(5).plusSeconds(1));
    f.warm();
    StoreState before = f.b.state();

    assertRejected(() -> f.service.approve(notSteppedUp, request.id(), ApproverRole.SECURITY_OFFICER, null),
        ErrorCode.STEP_UP_REQUIRED);
    assertOnlyDenied(f.b, before, "change_request.approve", f.securityOfficer.id().value(), request.id().value(),
        ErrorCode.STEP_UP_REQUIRED);
    StoreState next = f.b.state();
    assertRejected(() -> f.service.approve(stale, request.id(), ApproverRole.OWNER, null),
        ErrorCode.STEP_UP_REQUIRED);
    assertOnlyDenied(f.b, next, "change_request.approve", f.owner2.id().value(), request.id().value(),
        ErrorCode.STEP_UP_REQUIRED);
  }

  @Test
  void approve_inARoleTheRequestNoLongerNeeds_invalidTransition() {
    f.approve(f.owner2, request.id(), ApproverRole.OWNER);
    var owner3 = f.b.operator("owner three", java.util.Set.of(), java.util.Set.of(f.payments));
    Caller third = f.steppedUp(owner3);
    StoreState before = f.b.state();

    var e = assertRejected(() -> f.service.approve(third, request.id(), ApproverRole.OWNER, null),
        ErrorCode.INVALID_TRANSITION);

    assertThat(e.getMessage()).contains("approval:security_officer");
    assertOnlyDenied(f.b, before, "change_request.approve", owner3.id().value(), request.id().value(),
        ErrorCode.INVALID_TRANSITION);
  }

  @Test
  void approve_afterExpiry_expiresTheRequestAuditedAndRefused() {
    f.advance(Duration.ofHours(24));
    Caller officer = f.steppedUp(f.securityOfficer);
    StoreState before = f.b.state();

    assertRejected(() -> f.service.approve(officer, request.id(), ApproverRole.SECURITY_OFFICER, null),
        ErrorCode.CHANGE_REQUEST_EXPIRED);

    ChangeRequest stored = f.stored(request.id());
    assertThat(stored.state()).isEqualTo(ChangeState.EXPIRED);
    assertThat(stored.resolvedBy()).isEqualTo("system");
    assertThat(stored.approvals()).isEmpty();
    List<AuditEvent> events = f.b.auditSince(before.auditHead().seq());
    assertThat(events).extracting(AuditEvent::action, AuditEvent::outcome).containsExactly(
        org.assertj.core.groups.Tuple.tuple("change_request.expire", Outcome.SUCCESS),
        org.assertj.core.groups.Tuple.tuple("change_request.approve", Outcome.DENIED));
    assertThat(f.notifier.events()).endsWith(ChangeEvent.EXPIRED);
    // and from then on it is simply expired
    StoreState expired = f.b.state();
    assertRejected(() -> f.service.approve(officer, request.id(), ApproverRole.SECURITY_OFFICER, null),
        ErrorCode.CHANGE_REQUEST_EXPIRED);
    assertOnlyDenied(f.b, expired, "change_request.approve", f.securityOfficer.id().value(), request.id().value(),
        ErrorCode.CHANGE_REQUEST_EXPIRED);
  }

  @Test
  void view_openRequestPastExpiry_showsExpiredWithoutWriting() {
    f.advance(Duration.ofHours(25));
    Caller auditor = f.caller(f.auditor);
    StoreState before = f.b.state();

    ChangeRequestView view = f.service.get(auditor, request.id());

    assertThat(view.state()).isEqualTo(ChangeState.EXPIRED);
    assertThat(view.missing()).isEmpty();
    assertThat(f.b.state()).isEqualTo(before);
  }

  @Test
  void reject_bySecurityOfficer_terminalAndNoFurtherApproval() {
    ChangeRequest rejected = f.service.reject(f.caller(f.securityOfficer), request.id(), "not requested by us");

    assertThat(rejected.state()).isEqualTo(ChangeState.REJECTED);
    assertThat(rejected.resolvedBy()).isEqualTo(f.securityOfficer.id().value());
    Caller owner2 = f.steppedUp(f.owner2);
    StoreState before = f.b.state();
    assertRejected(() -> f.service.approve(owner2, request.id(), ApproverRole.OWNER, null),
        ErrorCode.INVALID_TRANSITION);
    assertOnlyDenied(f.b, before, "change_request.approve", f.owner2.id().value(), request.id().value(),
        ErrorCode.INVALID_TRANSITION);
  }

  @Test
  void reject_byOutsiderOrSupervisorNotNeeded_forbidden() {
    Caller outsider = f.caller(f.outsider);
    StoreState before = f.b.state();

    assertRejected(() -> f.service.reject(outsider, request.id(), null), ErrorCode.FORBIDDEN);

    assertOnlyDenied(f.b, before, "change_request.reject", f.outsider.id().value(), request.id().value(),
        ErrorCode.FORBIDDEN);
    assertRejected(() -> f.service.reject(f.caller(f.supervisor), request.id(), null), ErrorCode.FORBIDDEN);
    assertThat(f.stored(request.id()).state()).isEqualTo(ChangeState.PENDING);
  }

  @Test
  void cancel_byRequester_cancelledThenNothingMore() {
    ChangeRequest cancelled = f.service.cancel(f.caller(f.owner), request.id(), "typo in the csr");

    assertThat(cancelled.state()).isEqualTo(ChangeState.CANCELLED);
    assertThat(cancelled.resolvedAt()).isEqualTo(f.now());
    assertRejected(() -> f.service.cancel(f.caller(f.owner), request.id(), null), ErrorCode.INVALID_TRANSITION);
    assertRejected(() -> f.service.apply(f.steppedUp(f.owner), request.id()), ErrorCode.INVALID_TRANSITION);
  }

  @Test
  void cancel_byOutsider_forbidden() {
    Caller outsider = f.caller(f.outsider);
    StoreState before = f.b.state();

    assertRejected(() -> f.service.cancel(outsider, request.id(), null), ErrorCode.FORBIDDEN);

    assertOnlyDenied(f.b, before, "change_request.cancel", f.outsider.id().value(), request.id().value(),
        ErrorCode.FORBIDDEN);
  }

  @Test
  void unknownRequest_notFoundAndNotAudited() {
    ChangeRequestId unknown = ChangeRequestId.generate(new java.security.SecureRandom());
    Caller officer = f.steppedUp(f.securityOfficer);
    StoreState before = f.b.state();

    assertRejected(() -> f.service.approve(officer, unknown, ApproverRole.SECURITY_OFFICER, null),
        ErrorCode.CHANGE_REQUEST_NOT_FOUND);
    assertRejected(() -> f.service.get(officer, unknown), ErrorCode.CHANGE_REQUEST_NOT_FOUND);

    assertThat(f.b.state()).isEqualTo(before);
  }

  // ---- step_up_or_owner (level 2 rotate) ----------------------------------------------------------------

  @Test
  void stepUpOrOwner_metByAnOwnerApproval() {
    Identity two = f.workload(2);
    var holder = f.enrol(two.id());
    ChangeRequest r = f.create(f.owner, csrRequest(ChangeType.ROTATE, two.id(), TestKeys.ecP256(), holder.id()));
    f.proveContinuity(f.owner, r.id(), holder);
    assertThat(f.stored(r.id()).missing()).containsExactly("step_up_or_owner");

    ChangeRequest approved = f.approve(f.owner2, r.id(), ApproverRole.OWNER);

    assertThat(approved.state()).isEqualTo(ChangeState.APPROVED);
  }

  @Test
  void stepUpOrOwner_notMetBySecurityOfficerApproval() {
    Identity two = f.workload(2);
    var holder = f.enrol(two.id());
    ChangeRequest r = f.create(f.owner, csrRequest(ChangeType.ROTATE, two.id(), TestKeys.ecP256(), holder.id()));
    f.proveContinuity(f.owner, r.id(), holder);
    Caller officer = f.steppedUp(f.securityOfficer);
    StoreState before = f.b.state();

    assertRejected(() -> f.service.approve(officer, r.id(), ApproverRole.SECURITY_OFFICER, null),
        ErrorCode.INVALID_TRANSITION);

    assertOnlyDenied(f.b, before, "change_request.approve", f.securityOfficer.id().value(), r.id().value(),
        ErrorCode.INVALID_TRANSITION);
  }
}
