package dev.bindery.support;

import static dev.bindery.testkit.BinderyAssertions.assertOnlyDenied;
import static dev.bindery.testkit.BinderyAssertions.assertRejected;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bindery.audit.AuditEvent;
import dev.bindery.change.ApproverRole;
import dev.bindery.change.ChangeState;
import dev.bindery.common.ErrorCode;
import dev.bindery.common.RejectedException;
import dev.bindery.identity.Identity;
import dev.bindery.identity.Scope;
import dev.bindery.security.Caller;
import dev.bindery.testkit.StoreState;
import dev.bindery.testkit.SupportFixture;
import dev.bindery.testkit.TestIdentities;
import dev.bindery.testkit.TestOperator;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Making a support action: the role, the evidence, conflict of interest, step-up, parameters, privileged targets,
 * one open action per target; an action needing nothing is applied at once.
 */
class SupportCreateTest {
  final SupportFixture f = new SupportFixture(SupportSettings.DEFAULT.withPrivilegedScopes(Set.of(
      new Scope("payments:admin"))));
  final Identity id = f.workload(1);

  // ---- evidence -----------------------------------------------------------------------------------------

  @Test
  void create_withoutTicket_evidenceMissingNamingTheTicketAndNothingWritten() {
    Caller agent = f.steppedUp(f.agent);
    Evidence.Submitted e = f.evidence();
    NewSupportAction request = new NewSupportAction(SupportActionType.TOKEN_REISSUE, SupportTarget.identity(id.id()),
        "caller lost access", new Evidence.Submitted(null, e.claimedRequester(), e.method(), e.reference(),
        e.verifiedBy(), e.verifiedAt()), Map.of());
    StoreState before = f.b.state();

    RejectedException r = assertRejected(() -> f.service.create(agent, request), ErrorCode.EVIDENCE_MISSING);

    assertThat(r.getMessage()).isEqualTo("the support action lacks evidence: ticket (missing)");
    assertOnlyDenied(f.b, before, "support.action.create", f.agent.id().value(), id.id().value(),
        ErrorCode.EVIDENCE_MISSING);
    assertThat(f.delivery.calls).isEmpty();
    assertThat(f.notifier.queued).isEmpty();
  }

  @Test
  void create_withIncompleteEvidence_oneRefusalNamingEveryGapAndNothingWritten() {
    Caller agent = f.steppedUp(f.agent);
    NewSupportAction request = new NewSupportAction(SupportActionType.CREDENTIAL_RESET,
        SupportTarget.identity(id.id()), "caller lost access", new Evidence.Submitted("ticket 12", " ", "email",
        null, "bob", f.now().minus(Duration.ofHours(25)).toString()), Map.of());
    StoreState before = f.b.state();

    RejectedException r = assertRejected(() -> f.service.create(agent, request), ErrorCode.EVIDENCE_MISSING);

    assertThat(r.getMessage()).isEqualTo("the support action lacks evidence: "
        + "ticket (does not match the ticket format " + SupportSettings.DEFAULT_TICKET_PATTERN + "), "
        + "claimed_requester (missing), verification.method (must be one of callback, manager_confirmation, "
        + "verified_credential, in_person), verification.reference (missing), verification.verified_by (not an "
        + "operator id), verification.verified_at (older than 24 hours)");
    assertThat(r.field()).isEqualTo("evidence");
    assertOnlyDenied(f.b, before, "support.action.create", f.agent.id().value(), id.id().value(),
        ErrorCode.EVIDENCE_MISSING);
  }

  @Test
  void create_withNoEvidenceAtAll_everyFieldNamed() {
    Caller agent = f.steppedUp(f.agent);
    StoreState before = f.b.state();

    RejectedException r = assertRejected(() -> f.service.create(agent, new NewSupportAction(
        SupportActionType.TOKEN_REISSUE, SupportTarget.identity(id.id()), "x", null, null)),
        ErrorCode.EVIDENCE_MISSING);

    assertThat(r.getMessage()).contains("ticket (missing)", "claimed_requester (missing)",
        "verification.method (missing)", "verification.reference (missing)", "verification.verified_by (missing)",
        "verification.verified_at (missing)");
    assertThat(f.b.state().withoutAudit()).isEqualTo(before.withoutAudit());
  }

  @Test
  void create_verifiedByAnUnknownOperator_evidenceMissingAndNothingWritten() {
    Caller agent = f.steppedUp(f.agent);
    Evidence.Submitted e = f.evidence();
    NewSupportAction request = f.request(SupportActionType.TOKEN_REISSUE, id.id());
    NewSupportAction unknownVerifier = new NewSupportAction(request.type(), request.target(), request.reason(),
        new Evidence.Submitted(e.ticket(), e.claimedRequester(), e.method(), e.reference(),
            dev.bindery.testkit.TestOperators.newId().value(), e.verifiedAt()), Map.of());
    StoreState before = f.b.state();

    RejectedException r = assertRejected(() -> f.service.create(agent, unknownVerifier), ErrorCode.EVIDENCE_MISSING);

    assertThat(r.getMessage()).contains("verification.verified_by (no operator");
    assertOnlyDenied(f.b, before, "support.action.create", f.agent.id().value(), id.id().value(),
        ErrorCode.EVIDENCE_MISSING);
  }

  // ---- who may act --------------------------------------------------------------------------------------

  @Test
  void create_byAnOperatorWithoutServiceDesk_forbiddenAndNothingWritten() {
    for (TestOperator op : List.of(f.admin, f.supervisor, f.securityOfficer, f.owner)) {
      Caller caller = f.steppedUp(op);
      StoreState before = f.b.state();

      assertRejected(() -> f.service.create(caller, f.request(SupportActionType.TOKEN_REISSUE, id.id())),
          ErrorCode.FORBIDDEN);

      assertOnlyDenied(f.b, before, "support.action.create", op.id().value(), id.id().value(), ErrorCode.FORBIDDEN);
    }
  }

  @Test
  void create_onAnIdentityOwnedByTheAgentsTeam_conflictOfInterestAndNothingWritten() {
    Identity ownTeams = f.b.identities().create(f.caller(f.admin), TestIdentities.workload().owner(f.helpdesk)
        .backupTeam(f.platform).build()).identity();
    Caller agent = f.steppedUp(f.agent);
    StoreState before = f.b.state();

    assertRejected(() -> f.service.create(agent, f.request(SupportActionType.CREDENTIAL_RESET, ownTeams.id())),
        ErrorCode.SUPPORT_CONFLICT_OF_INTEREST);

    assertOnlyDenied(f.b, before, "support.action.create", f.agent.id().value(), ownTeams.id().value(),
        ErrorCode.SUPPORT_CONFLICT_OF_INTEREST);
    assertThat(f.delivery.calls).isEmpty();
  }

  @Test
  void create_onAnIdentityWhoseBackupIsTheAgentsTeamOrTheAgent_conflictOfInterest() {
    Identity backupTeam = f.b.identities().create(f.caller(f.admin), TestIdentities.workload().owner(f.payments)
        .backupTeam(f.helpdesk).build()).identity();
    Identity backupAgent = f.b.identities().create(f.caller(f.admin), TestIdentities.workload().owner(f.payments)
        .backupOperator(f.agent.id()).build()).identity();
    Caller agent = f.steppedUp(f.agent);
    StoreState before = f.b.state();

    assertRejected(() -> f.service.create(agent, f.request(SupportActionType.TOKEN_REISSUE, backupTeam.id())),
        ErrorCode.SUPPORT_CONFLICT_OF_INTEREST);
    assertRejected(() -> f.service.create(agent, f.request(SupportActionType.TOKEN_REISSUE, backupAgent.id())),
        ErrorCode.SUPPORT_CONFLICT_OF_INTEREST);

    assertThat(f.b.state().withoutAudit()).isEqualTo(before.withoutAudit());
  }

  @Test
  void create_onTheAgentsOwnOperatorAccount_conflictOfInterestAndNothingWritten() {
    Caller agent = f.steppedUp(f.agent);
    StoreState before = f.b.state();

    assertRejected(() -> f.service.create(agent, f.reenrol(f.agent.id())), ErrorCode.SUPPORT_CONFLICT_OF_INTEREST);

    assertOnlyDenied(f.b, before, "support.action.create", f.agent.id().value(), f.agent.id().value(),
        ErrorCode.SUPPORT_CONFLICT_OF_INTEREST);
  }

  @Test
  void create_movingAnIdentityToTheAgentsTeamOrToTheAgent_conflictOfInterest() {
    Caller agent = f.steppedUp(f.agent);
    StoreState before = f.b.state();

    assertRejected(() -> f.service.create(agent, f.request(SupportActionType.OWNER_RESET, id.id(),
        Map.of("owning_team", "helpdesk"))), ErrorCode.SUPPORT_CONFLICT_OF_INTEREST);
    assertRejected(() -> f.service.create(agent, f.request(SupportActionType.RECOVERY_CONTACT_CHANGE, id.id(),
        Map.of("backup_owner", "team:helpdesk"))), ErrorCode.SUPPORT_CONFLICT_OF_INTEREST);
    assertRejected(() -> f.service.create(agent, f.request(SupportActionType.RECOVERY_CONTACT_CHANGE, id.id(),
        Map.of("backup_owner", "operator:" + f.agent.id()))), ErrorCode.SUPPORT_CONFLICT_OF_INTEREST);

    assertThat(f.b.state().withoutAudit()).isEqualTo(before.withoutAudit());
  }

  @Test
  void create_highRiskWithoutFreshStepUp_stepUpRequiredAndNothingWritten() {
    Caller stale = f.steppedUp(f.agent);
    f.advance(Duration.ofMinutes(6));
    f.warm();
    Caller agent = f.caller(f.agent);
    assertThat(agent.stepUpAt()).isEqualTo(stale.stepUpAt());
    StoreState before = f.b.state();

    for (SupportActionType type : List.of(SupportActionType.CREDENTIAL_RESET, SupportActionType.TOKEN_REISSUE,
        SupportActionType.RECOVERY_CODES_ISSUE)) {
      assertRejected(() -> f.service.create(agent, f.request(type, id.id())), ErrorCode.STEP_UP_REQUIRED);
    }

    assertThat(f.b.state().withoutAudit()).isEqualTo(before.withoutAudit());
    assertThat(f.b.auditSince(before.auditHead().seq())).extracting(AuditEvent::action)
        .containsOnly("support.action.create");
    assertThat(f.delivery.calls).isEmpty();
  }

  // ---- parameters ---------------------------------------------------------------------------------------

  @Test
  void create_withUnknownOrBadParameters_precise400AndNothingWritten() {
    Caller agent = f.steppedUp(f.agent);
    StoreState before = f.b.state();

    RejectedException unknown = assertRejected(() -> f.service.create(agent, f.request(
        SupportActionType.TOKEN_REISSUE, id.id(), Map.of("owning_team", "other"))), ErrorCode.UNKNOWN_FIELD);
    assertThat(unknown.field()).isEqualTo("parameters.owning_team");
    RejectedException ttl = assertRejected(() -> f.service.create(agent, f.request(
        SupportActionType.CREDENTIAL_RESET, id.id(), Map.of("temporary_ttl_seconds", "601"))),
        ErrorCode.INVALID_FIELD);
    assertThat(ttl.getMessage()).contains("cap of 600");
    assertRejected(() -> f.service.create(agent, f.request(SupportActionType.CREDENTIAL_RESET, id.id(),
        Map.of("revocation_reason", "unspecified"))), ErrorCode.INVALID_FIELD);
    assertRejected(() -> f.service.create(agent, f.request(SupportActionType.OWNER_RESET, id.id())),
        ErrorCode.MISSING_FIELD);
    assertRejected(() -> f.service.create(agent, f.request(SupportActionType.OWNER_RESET, id.id(),
        Map.of("owning_team", "nobody"))), ErrorCode.TEAM_NOT_FOUND);
    assertRejected(() -> f.service.create(agent, f.request(SupportActionType.OWNER_RESET, id.id(),
        Map.of("owning_team", "payments"))), ErrorCode.INVALID_FIELD);
    assertRejected(() -> f.service.create(agent, f.request(SupportActionType.OWNER_RESET, id.id(),
        Map.of("owning_team", "platform"))), ErrorCode.INVALID_FIELD);
    assertRejected(() -> f.service.create(agent, f.request(SupportActionType.PROFILE_EDIT, id.id(),
        Map.of("assurance_level", "4"))), ErrorCode.INVALID_FIELD);
    assertRejected(() -> f.service.create(agent, f.request(SupportActionType.PROFILE_EDIT, id.id(),
        Map.of("assurance_level", "1"))), ErrorCode.INVALID_FIELD);
    assertRejected(() -> f.service.create(agent, f.request(SupportActionType.RECOVERY_CONTACT_CHANGE, id.id(),
        Map.of("backup_owner", "team:platform"))), ErrorCode.INVALID_FIELD);
    assertRejected(() -> f.service.create(agent, f.request(SupportActionType.RECOVERY_CONTACT_CHANGE, id.id(),
        Map.of("backup_owner", "mail:x@example.org"))), ErrorCode.INVALID_FIELD);
    assertRejected(() -> f.service.create(agent, new NewSupportAction(SupportActionType.FACTOR_REENROL,
        SupportTarget.identity(id.id()), "x", f.evidence(), Map.of())), ErrorCode.INVALID_FIELD);

    assertThat(f.b.state().withoutAudit()).isEqualTo(before.withoutAudit());
  }

  @Test
  void create_onALockedIdentity_identityLocked() {
    f.b.identities().lock(f.caller(f.admin), id.id(), id.version(), "incident");
    Caller agent = f.steppedUp(f.agent);
    StoreState before = f.b.state();

    assertRejected(() -> f.service.create(agent, f.request(SupportActionType.TOKEN_REISSUE, id.id())),
        ErrorCode.IDENTITY_LOCKED);

    assertOnlyDenied(f.b, before, "support.action.create", f.agent.id().value(), id.id().value(),
        ErrorCode.IDENTITY_LOCKED);
  }

  // ---- requirements and storage --------------------------------------------------------------------------

  @Test
  void create_onAnUnprivilegedIdentity_appliedAtOnceAuditedWithEvidenceAndNotified() {
    long seq = f.b.auditHead().seq();

    SupportAction a = f.create(f.agent, f.request(SupportActionType.TOKEN_REISSUE, id.id()));

    assertThat(a.state()).isEqualTo(ChangeState.APPLIED);
    assertThat(a.requiredApprovals()).isEmpty();
    assertThat(a.agent()).isEqualTo(f.agent.id());
    assertThat(a.agentStepUpAt()).isNotNull();
    assertThat(a.review().state()).isEqualTo(SupportReview.State.UNREVIEWED);
    assertThat(f.stored(a.id())).isEqualTo(a);
    List<AuditEvent> events = f.b.auditSince(seq).stream()
        .filter(e -> e.action().startsWith("support.") || e.action().startsWith("token.")).toList();
    assertThat(events).extracting(AuditEvent::action)
        .containsExactly("support.action.create", "token.revoke_identity", "support.action.apply");
    Map<String, Object> created = events.get(0).details();
    assertThat(created).containsEntry("type", "token_reissue").containsEntry("risk", "high")
        .containsEntry("agent", f.agent.id().value()).containsEntry("agent_step_up", true);
    @SuppressWarnings("unchecked")
    Map<String, Object> evidence = (Map<String, Object>) created.get("evidence");
    assertThat(evidence).containsEntry("ticket", SupportFixture.TICKET)
        .containsEntry("claimed_requester", "Jane Doe, payments on-call");
    @SuppressWarnings("unchecked")
    Map<String, Object> verification = (Map<String, Object>) evidence.get("verification");
    assertThat(verification).containsEntry("method", "callback")
        .containsEntry("reference", "call log 2026-12-01 #17").containsEntry("verified_by", f.supervisor.id().value())
        .containsEntry("verified_at", a.evidence().verification().verifiedAt().toString());
    assertThat(f.notifier.events()).containsExactly(SupportService.EVENT_APPLIED);
    assertThat(f.notifier.queued.get(0).disavowable()).isTrue();
  }

  @Test
  void create_onPrivilegedTargets_pendingForASupervisorWithTheReasonsAndNothingApplied() {
    Identity level2 = f.workload(2);
    Identity scoped = f.workload(1, "payments:admin", "read");
    var enrolled = f.enrol(level2.id());
    int feed = f.b.store().read(t -> t.revocationEvents().since(0, 1000)).size();

    SupportAction byLevel = f.create(f.agent, f.request(SupportActionType.CREDENTIAL_RESET, level2.id()));
    SupportAction byScope = f.create(f.agent, f.request(SupportActionType.TOKEN_REISSUE, scoped.id()));
    SupportAction byRole = f.create(f.agent, f.reenrol(f.securityOfficer.id()));
    SupportAction unprivileged = f.create(f.agent2, f.reenrol(f.employee.id()));

    assertThat(byLevel.state()).isEqualTo(ChangeState.PENDING);
    assertThat(byLevel.requiredApprovals()).containsExactly(ApproverRole.SUPERVISOR);
    assertThat(byLevel.requiredBecause()).containsExactly("privileged_target:assurance_level");
    assertThat(byLevel.missing()).containsExactly("approval:supervisor");
    assertThat(byScope.requiredBecause()).containsExactly("privileged_target:scope:payments:admin");
    assertThat(byRole.requiredBecause()).containsExactly("privileged_target:operator_role:security_officer");
    assertThat(unprivileged.state()).isEqualTo(ChangeState.APPLIED);
    // nothing of the pending ones was applied: the credential is active, no token revocation, no code issued
    assertThat(f.b.store().read(t -> t.credentials().findById(enrolled.id())).orElseThrow().revoked()).isFalse();
    assertThat(f.b.store().read(t -> t.revocationEvents().since(0, 1000)).size()).isEqualTo(feed);
    assertThat(f.delivery.calls).extracting(SupportFixture.FakeDelivery.Call::target)
        .containsExactly(f.employee.id().value());
    assertThat(f.notifier.queued).filteredOn(q -> q.event().equals(SupportService.EVENT_REQUESTED))
        .extracting(SupportFixture.RecordingNotifier.Queued::action)
        .containsExactly(byLevel.id(), byScope.id(), byRole.id());
  }

  @Test
  void create_secondOpenActionOnATarget_conflictAndNothingWritten() {
    Identity level2 = f.workload(2);
    SupportAction first = f.create(f.agent, f.request(SupportActionType.CREDENTIAL_RESET, level2.id()));
    Caller agent2 = f.steppedUp(f.agent2);
    StoreState before = f.b.state();

    RejectedException r = assertRejected(() -> f.service.create(agent2, f.request(SupportActionType.TOKEN_REISSUE,
        level2.id())), ErrorCode.CHANGE_REQUEST_CONFLICT);

    assertThat(r.getMessage()).contains(first.id().value());
    assertOnlyDenied(f.b, before, "support.action.create", f.agent2.id().value(), level2.id().value(),
        ErrorCode.CHANGE_REQUEST_CONFLICT);
  }

  @Test
  void create_whileTheOpenActionIsPastItsExpiry_expiresItThenStoresTheNewOne() {
    Identity level2 = f.workload(2);
    SupportAction first = f.create(f.agent, f.request(SupportActionType.CREDENTIAL_RESET, level2.id()));
    f.advance(Duration.ofHours(4));

    SupportAction second = f.create(f.agent2, f.request(SupportActionType.CREDENTIAL_RESET, level2.id()));

    assertThat(f.stored(first.id()).state()).isEqualTo(ChangeState.EXPIRED);
    assertThat(f.stored(first.id()).resolvedBy()).isEqualTo(Caller.SYSTEM_ACTOR);
    assertThat(second.state()).isEqualTo(ChangeState.PENDING);
    assertThat(f.b.auditEvents()).extracting(AuditEvent::action).contains("support.action.expire");
  }

  @Test
  void create_storedParametersCarryTheDefaults() {
    SupportAction a = f.create(f.agent, f.request(SupportActionType.CREDENTIAL_RESET, f.workload(2).id()));

    assertThat(a.parameters()).isEqualTo(Map.of("revocation_reason", "key_compromise",
        "temporary_ttl_seconds", "600"));
    assertThat(a.expiresAt()).isEqualTo(a.createdAt().plus(Duration.ofHours(4)));
    assertThat(EnumSet.allOf(SupportActionType.class)).allSatisfy(t -> assertThat(t.risk())
        .isEqualTo(SupportRisk.HIGH));
  }
}
