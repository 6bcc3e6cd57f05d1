package dev.bindery.support;

import static dev.bindery.testkit.BinderyAssertions.assertOnlyDenied;
import static dev.bindery.testkit.BinderyAssertions.assertRejected;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bindery.audit.AuditEvent;
import dev.bindery.audit.Outcome;
import dev.bindery.change.Approval;
import dev.bindery.change.ChangeState;
import dev.bindery.common.ErrorCode;
import dev.bindery.credential.Credential;
import dev.bindery.identity.Identity;
import dev.bindery.operator.Role;
import dev.bindery.security.Caller;
import dev.bindery.testkit.StoreState;
import dev.bindery.testkit.SupportFixture;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Supervisor sign-off: never by the agent, only by a supervisor with a fresh step-up who still holds the role when
 * the action is applied (by the approval that completes it, in its transaction); rejection, cancellation, expiry.
 */
class SupportApprovalTest {
  final SupportFixture f = new SupportFixture();
  /** A privileged (level 2) identity with an active credential: its reset waits for a supervisor. */
  final Identity id = f.workload(2);
  final Credential current = f.enrol(id.id());
  final SupportAction pending = f.create(f.agentSupervisor, f.request(SupportActionType.CREDENTIAL_RESET, id.id()));

  @Test
  void approve_bySupervisor_appliesInTheSameTransactionAndAuditsEveryStep() {
    long seq = f.b.auditHead().seq();

    SupportAction applied = f.approve(f.supervisor, pending.id());

    assertThat(applied.state()).isEqualTo(ChangeState.APPLIED);
    assertThat(applied.approvals()).extracting(Approval::operator).containsExactly(f.supervisor.id());
    assertThat(applied.approvals().get(0).stepUpAt()).isNotNull();
    assertThat(applied.result().revokedCredentials()).containsExactly(current.id());
    assertThat(f.stored(pending.id())).isEqualTo(applied);
    assertThat(f.credentialsOf(id.id())).allSatisfy(c -> assertThat(c.revoked()).isTrue());
    List<AuditEvent> events = f.b.auditSince(seq).stream().filter(e -> e.outcome() == Outcome.SUCCESS
        && !e.action().startsWith("operator.")).toList();
    assertThat(events).extracting(AuditEvent::action).containsExactly("support.action.approve",
        "credential.revoke", "support.action.apply");
    assertThat(events.get(0).details()).containsEntry("role", "supervisor")
        .containsEntry("missing", List.of());
    // the whole approval and apply is one transaction: the approval's audit event and the apply's are adjacent
    assertThat(events.get(2).seq() - events.get(0).seq()).isEqualTo(2);
    assertThat(f.notifier.events()).containsExactly(SupportService.EVENT_REQUESTED, SupportService.EVENT_APPROVED,
        SupportService.EVENT_APPLIED);
  }

  @Test
  void approve_byTheAgentWhoIsASupervisor_selfApprovalAndOnlyTheDenialWritten() {
    Caller agent = f.steppedUp(f.agentSupervisor);
    StoreState before = f.b.state();

    assertRejected(() -> f.service.approve(agent, pending.id(), null), ErrorCode.SELF_APPROVAL);

    assertOnlyDenied(f.b, before, "support.action.approve", f.agentSupervisor.id().value(), pending.id().value(),
        ErrorCode.SELF_APPROVAL);
    assertThat(f.delivery.calls).isEmpty();
  }

  @Test
  void approve_byAnOperatorWithoutTheSupervisorRole_approverNotEntitledAndNothingWritten() {
    for (var op : List.of(f.securityOfficer, f.admin, f.agent2, f.owner)) {
      Caller caller = f.steppedUp(op);
      StoreState before = f.b.state();

      assertRejected(() -> f.service.approve(caller, pending.id(), null), ErrorCode.APPROVER_NOT_ENTITLED);

      assertOnlyDenied(f.b, before, "support.action.approve", op.id().value(), pending.id().value(),
          ErrorCode.APPROVER_NOT_ENTITLED);
    }
  }

  @Test
  void approve_withoutFreshStepUp_stepUpRequiredAndNothingWritten() {
    f.steppedUp(f.supervisor);
    f.advance(Duration.ofMinutes(6));
    f.warm();
    Caller stale = f.caller(f.supervisor);
    StoreState before = f.b.state();

    assertRejected(() -> f.service.approve(stale, pending.id(), null), ErrorCode.STEP_UP_REQUIRED);

    assertOnlyDenied(f.b, before, "support.action.approve", f.supervisor.id().value(), pending.id().value(),
        ErrorCode.STEP_UP_REQUIRED);
  }

  @Test
  void approve_byASupervisorWhoLostTheRoleBeforeApply_approverNotEntitledAndNothingApplied() {
    Caller approver = f.steppedUp(f.supervisor);
    // the role is revoked after the supervisor authenticated: their caller still claims it
    f.b.operators().revokeRole(f.steppedUp(f.admin), f.supervisor.id(), f.operator(f.supervisor.id()).version(),
        Role.SUPERVISOR);
    StoreState before = f.b.state();

    assertRejected(() -> f.service.approve(approver, pending.id(), null), ErrorCode.APPROVER_NOT_ENTITLED);

    assertOnlyDenied(f.b, before, "support.action.approve", f.supervisor.id().value(), pending.id().value(),
        ErrorCode.APPROVER_NOT_ENTITLED);
    assertThat(f.stored(pending.id()).state()).isEqualTo(ChangeState.PENDING);
    assertThat(f.credentialsOf(id.id())).allSatisfy(c -> assertThat(c.revoked()).isFalse());
  }

  @Test
  void approve_whenTheAgentLostServiceDesk_forbiddenAndNothingApplied() {
    f.b.operators().revokeRole(f.steppedUp(f.admin), f.agentSupervisor.id(),
        f.operator(f.agentSupervisor.id()).version(), Role.SERVICE_DESK);
    Caller approver = f.steppedUp(f.supervisor);
    StoreState before = f.b.state();

    assertRejected(() -> f.service.approve(approver, pending.id(), null), ErrorCode.FORBIDDEN);

    assertThat(f.b.state().withoutAudit()).isEqualTo(before.withoutAudit());
    assertThat(f.credentialsOf(id.id())).allSatisfy(c -> assertThat(c.revoked()).isFalse());
  }

  @Test
  void approve_whenTheTargetChangedSinceTheRequest_versionConflictAndNothingApplied() {
    Identity changed = f.identity(id.id());
    f.b.identities().updateProfile(f.caller(f.admin), id.id(), changed.version(), new Identity.Profile("renamed",
        changed.description(), changed.tenant(), changed.contact(), changed.labels()));
    Caller approver = f.steppedUp(f.supervisor);
    StoreState before = f.b.state();

    assertRejected(() -> f.service.approve(approver, pending.id(), null), ErrorCode.VERSION_CONFLICT);

    assertOnlyDenied(f.b, before, "support.action.approve", f.supervisor.id().value(), pending.id().value(),
        ErrorCode.VERSION_CONFLICT);
  }

  @Test
  void approve_whenDeliveryHasNoChannel_noDeliveryChannelAndNoCredentialRevoked() {
    f.delivery.noChannel = true;
    Caller approver = f.steppedUp(f.supervisor);
    StoreState before = f.b.state();

    assertRejected(() -> f.service.approve(approver, pending.id(), null), ErrorCode.NO_DELIVERY_CHANNEL);

    assertOnlyDenied(f.b, before, "support.action.approve", f.supervisor.id().value(), pending.id().value(),
        ErrorCode.NO_DELIVERY_CHANNEL);
    assertThat(f.credentialsOf(id.id())).allSatisfy(c -> assertThat(c.revoked()).isFalse());
  }

  @Test
  void approve_afterExpiry_expiredCommittedAndRefused() {
    f.advance(Duration.ofHours(4));
    Caller approver = f.steppedUp(f.supervisor);

    assertRejected(() -> f.service.approve(approver, pending.id(), null), ErrorCode.CHANGE_REQUEST_EXPIRED);

    SupportAction stored = f.stored(pending.id());
    assertThat(stored.state()).isEqualTo(ChangeState.EXPIRED);
    assertThat(stored.approvals()).isEmpty();
    assertThat(f.b.auditEvents()).filteredOn(e -> e.action().equals("support.action.expire")).hasSize(1);
    assertThat(f.b.auditEvents()).filteredOn(e -> e.action().equals("support.action.approve"))
        .extracting(AuditEvent::outcome).containsExactly(Outcome.DENIED);
    assertThat(f.notifier.events()).endsWith(SupportService.EVENT_EXPIRED);
    // a second touch: refused as expired, nothing more written
    StoreState before = f.b.state();
    assertRejected(() -> f.service.approve(approver, pending.id(), null), ErrorCode.CHANGE_REQUEST_EXPIRED);
    assertOnlyDenied(f.b, before, "support.action.approve", f.supervisor.id().value(), pending.id().value(),
        ErrorCode.CHANGE_REQUEST_EXPIRED);
  }

  @Test
  void approve_appliedAction_invalidTransition() {
    f.approve(f.supervisor, pending.id());
    Caller second = f.steppedUp(f.supervisor2);

    assertRejected(() -> f.service.approve(second, pending.id(), null), ErrorCode.INVALID_TRANSITION);
  }

  @Test
  void apply_pendingAction_approvalRequired() {
    Caller agent = f.caller(f.agentSupervisor);

    assertRejected(() -> f.service.apply(agent, pending.id()), ErrorCode.APPROVAL_REQUIRED);
    assertThat(f.stored(pending.id()).state()).isEqualTo(ChangeState.PENDING);
  }

  @Test
  void reject_bySupervisor_terminalAuditedNotified() {
    SupportAction rejected = f.service.reject(f.caller(f.supervisor), pending.id(), "owner did not confirm");

    assertThat(rejected.state()).isEqualTo(ChangeState.REJECTED);
    assertThat(rejected.resolvedBy()).isEqualTo(f.supervisor.id().value());
    assertThat(f.stored(pending.id())).isEqualTo(rejected);
    assertThat(f.notifier.events()).endsWith(SupportService.EVENT_REJECTED);
    assertRejected(() -> f.approve(f.supervisor2, pending.id()), ErrorCode.INVALID_TRANSITION);
  }

  @Test
  void reject_byTheAgentOrAnOwner_forbidden() {
    for (var op : List.of(f.agent2, f.owner)) {
      Caller caller = f.caller(op);
      StoreState before = f.b.state();
      assertRejected(() -> f.service.reject(caller, pending.id(), null), ErrorCode.FORBIDDEN);
      assertOnlyDenied(f.b, before, "support.action.reject", op.id().value(), pending.id().value(),
          ErrorCode.FORBIDDEN);
    }
  }

  @Test
  void cancel_byTheAgent_cancelled_andByAnotherAgent_forbidden() {
    Caller other = f.caller(f.agent2);
    StoreState before = f.b.state();
    assertRejected(() -> f.service.cancel(other, pending.id(), null), ErrorCode.FORBIDDEN);
    assertOnlyDenied(f.b, before, "support.action.cancel", f.agent2.id().value(), pending.id().value(),
        ErrorCode.FORBIDDEN);

    SupportAction cancelled = f.service.cancel(f.caller(f.agentSupervisor), pending.id(), "wrong identity");

    assertThat(cancelled.state()).isEqualTo(ChangeState.CANCELLED);
    assertThat(f.notifier.events()).endsWith(SupportService.EVENT_CANCELLED);
  }

  @Test
  void get_andList_forReadersOnly() {
    assertThat(f.service.get(f.caller(f.auditor), pending.id())).isEqualTo(pending);
    assertThat(f.service.list(f.caller(f.agent2), SupportActionQuery.all(10).withTarget(pending.target())).items())
        .containsExactly(pending);
    assertRejected(() -> f.service.get(f.caller(f.owner), pending.id()), ErrorCode.FORBIDDEN);
    assertRejected(() -> f.service.get(f.caller(f.auditor), SupportActionId.generate(new java.security.SecureRandom())),
        ErrorCode.SUPPORT_ACTION_NOT_FOUND);
  }
}
