package dev.bindery.support;

import static dev.bindery.testkit.BinderyAssertions.assertOnlyDenied;
import static dev.bindery.testkit.BinderyAssertions.assertRejected;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bindery.audit.AuditEvent;
import dev.bindery.change.ChangeState;
import dev.bindery.common.ErrorCode;
import dev.bindery.identity.Identity;
import dev.bindery.identity.IdentityStatus;
import dev.bindery.operator.OperatorStatus;
import dev.bindery.security.Caller;
import dev.bindery.testkit.StoreState;
import dev.bindery.testkit.SupportFixture;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The post-hoc review queue: by a security officer, once, of applied actions; flagging locks and revokes. */
class SupportReviewTest {
  final SupportFixture f = new SupportFixture();
  final Identity id = f.workload(1);
  final SupportAction applied = f.create(f.agent, f.request(SupportActionType.CREDENTIAL_RESET, id.id()));

  @Test
  void review_flagged_locksTheIdentityAndRevokesWhatTheActionIssued() {
    long seq = f.b.auditHead().seq();

    SupportAction flagged = f.service.review(f.caller(f.securityOfficer), applied.id(), SupportReview.State.FLAGGED,
        "requester could not be reached again");

    assertThat(flagged.review().state()).isEqualTo(SupportReview.State.FLAGGED);
    assertThat(flagged.review().reviewer()).isEqualTo(f.securityOfficer.id());
    assertThat(f.stored(applied.id())).isEqualTo(flagged);
    assertThat(f.identity(id.id()).status()).isEqualTo(IdentityStatus.LOCKED);
    assertThat(f.delivery.calls).extracting(SupportFixture.FakeDelivery.Call::method)
        .containsExactly("issueEnrolmentCode", "revokeIssued");
    assertThat(f.delivery.calls.get(1).action()).isEqualTo(applied.id());
    List<AuditEvent> events = f.b.auditSince(seq);
    assertThat(events).extracting(AuditEvent::action).containsExactly("identity.lock", "support.action.review");
    assertThat(events.get(1).details()).containsEntry("after", Map.of("review", "flagged"))
        .containsEntry("revoked", f.delivery.revokedAnswer).containsEntry("target_status", "locked");
    assertThat(f.notifier.events()).endsWith(SupportService.EVENT_FLAGGED);
  }

  @Test
  void review_flaggedReenrolment_disablesTheOperator() {
    SupportAction reenrol = f.create(f.agent, f.reenrol(f.employee.id()));

    f.service.review(f.caller(f.securityOfficer), reenrol.id(), SupportReview.State.FLAGGED, null);

    assertThat(f.operator(f.employee.id()).status()).isEqualTo(OperatorStatus.DISABLED);
    assertThat(f.delivery.methods()).endsWith("revokeIssued");
  }

  @Test
  void review_confirmed_leavesTheTargetAlone() {
    SupportAction confirmed = f.service.review(f.caller(f.securityOfficer), applied.id(),
        SupportReview.State.CONFIRMED, null);

    assertThat(confirmed.review().state()).isEqualTo(SupportReview.State.CONFIRMED);
    assertThat(f.identity(id.id()).status()).isEqualTo(IdentityStatus.ACTIVE);
    assertThat(f.delivery.methods()).doesNotContain("revokeIssued");
  }

  @Test
  void review_secondTime_invalidTransitionAndNothingWritten() {
    f.service.review(f.caller(f.securityOfficer), applied.id(), SupportReview.State.CONFIRMED, null);
    Caller second = f.caller(f.securityOfficer2);
    StoreState before = f.b.state();

    assertRejected(() -> f.service.review(second, applied.id(), SupportReview.State.FLAGGED, null),
        ErrorCode.INVALID_TRANSITION);

    assertOnlyDenied(f.b, before, "support.action.review", f.securityOfficer2.id().value(), applied.id().value(),
        ErrorCode.INVALID_TRANSITION);
  }

  @Test
  void review_byANonSecurityOfficer_forbiddenAndNothingWritten() {
    for (var op : List.of(f.supervisor, f.admin, f.agent2, f.auditor)) {
      Caller caller = f.caller(op);
      StoreState before = f.b.state();

      assertRejected(() -> f.service.review(caller, applied.id(), SupportReview.State.FLAGGED, null),
          ErrorCode.FORBIDDEN);

      assertOnlyDenied(f.b, before, "support.action.review", op.id().value(), applied.id().value(),
          ErrorCode.FORBIDDEN);
    }
  }

  @Test
  void review_byTheAgentOrAnApprover_selfApproval() {
    var both = f.b.operator("agent and officer", java.util.EnumSet.of(dev.bindery.operator.Role.SERVICE_DESK,
        dev.bindery.operator.Role.SECURITY_OFFICER), java.util.Set.of(f.helpdesk));
    SupportAction own = f.create(both, f.request(SupportActionType.TOKEN_REISSUE, f.workload(1).id()));
    var approverOfficer = f.b.operator("supervisor and officer", java.util.EnumSet.of(
        dev.bindery.operator.Role.SUPERVISOR, dev.bindery.operator.Role.SECURITY_OFFICER), java.util.Set.of());
    SupportAction approved = f.approve(approverOfficer, f.create(f.agent, f.request(SupportActionType.TOKEN_REISSUE,
        f.workload(2).id())).id());
    Caller agentCaller = f.caller(both);
    Caller approverCaller = f.caller(approverOfficer);
    StoreState before = f.b.state();

    assertRejected(() -> f.service.review(agentCaller, own.id(), SupportReview.State.CONFIRMED, null),
        ErrorCode.SELF_APPROVAL);
    assertRejected(() -> f.service.review(approverCaller, approved.id(), SupportReview.State.CONFIRMED, null),
        ErrorCode.SELF_APPROVAL);

    assertThat(f.b.state().withoutAudit()).isEqualTo(before.withoutAudit());
  }

  @Test
  void review_ofAnActionNotApplied_invalidTransition() {
    SupportAction pending = f.create(f.agent, f.request(SupportActionType.TOKEN_REISSUE, f.workload(2).id()));

    assertRejected(() -> f.service.review(f.caller(f.securityOfficer), pending.id(), SupportReview.State.CONFIRMED,
        null), ErrorCode.INVALID_TRANSITION);
    assertThat(f.stored(pending.id()).state()).isEqualTo(ChangeState.PENDING);
  }

  @Test
  void reviewQueueAndReport_countTheUnreviewedAndPerAgentTargetType() {
    Identity other = f.workload(1);
    SupportAction second = f.create(f.agent2, f.request(SupportActionType.TOKEN_REISSUE, other.id()));
    f.advance(Duration.ofHours(5));
    f.warm();
    SupportAction third = f.create(f.agent2, f.request(SupportActionType.RECOVERY_CODES_ISSUE, other.id()));

    assertThat(f.service.reviewQueue(f.caller(f.securityOfficer), null, null, 10).items())
        .extracting(SupportAction::id).containsExactlyInAnyOrder(applied.id(), second.id(), third.id());
    assertThat(f.service.reviewQueue(f.caller(f.securityOfficer), Duration.ofHours(4), null, 10).items())
        .extracting(SupportAction::id).containsExactlyInAnyOrder(applied.id(), second.id());
    var page1 = f.service.reviewQueue(f.caller(f.securityOfficer), Duration.ofHours(4), null, 1);
    var page2 = f.service.reviewQueue(f.caller(f.securityOfficer), Duration.ofHours(4),
        SupportActionId.parse(page1.nextCursor()), 1);
    assertThat(List.of(page1.items().get(0).id(), page2.items().get(0).id()))
        .containsExactlyInAnyOrder(applied.id(), second.id());
    SupportReport report = f.service.report(f.caller(f.auditor), Duration.ofHours(4), Duration.ofDays(1));
    assertThat(report.unreviewedOlderThan()).isEqualTo(2);
    assertThat(report.perAgent()).isEqualTo(Map.of(f.agent.id().value(), 1L, f.agent2.id().value(), 2L));
    assertThat(report.perTarget()).isEqualTo(Map.of("identity:" + id.id(), 1L, "identity:" + other.id(), 2L));
    assertThat(report.perType()).containsEntry("credential_reset", 1L).containsEntry("token_reissue", 1L)
        .containsEntry("recovery_codes_issue", 1L).containsEntry("owner_reset", 0L).hasSize(7);
    assertThat(report.openAlerts()).isZero();

    f.service.review(f.caller(f.securityOfficer), applied.id(), SupportReview.State.CONFIRMED, null);
    assertThat(f.service.reportForMetrics(Duration.ofHours(4), Duration.ofDays(1)).unreviewedOlderThan())
        .isEqualTo(1);
    assertRejected(() -> f.service.report(f.caller(f.agent), Duration.ofHours(4), Duration.ofDays(1)),
        ErrorCode.FORBIDDEN);
    assertRejected(() -> f.service.report(f.caller(f.auditor), Duration.ZERO, Duration.ofDays(1)),
        ErrorCode.INVALID_QUERY);
  }
}
