package dev.bindery.support;

import static dev.bindery.testkit.BinderyAssertions.assertOnlyDenied;
import static dev.bindery.testkit.BinderyAssertions.assertRejected;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bindery.audit.AuditEvent;
import dev.bindery.change.ChangeState;
import dev.bindery.common.ErrorCode;
import dev.bindery.credential.Credential;
import dev.bindery.identity.Identity;
import dev.bindery.identity.IdentityId;
import dev.bindery.security.Caller;
import dev.bindery.testkit.StoreState;
import dev.bindery.testkit.SupportFixture;
import dev.bindery.testkit.pki.TestCsr;
import dev.bindery.testkit.pki.TestKeys;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Anomaly alerts: crossing a threshold raises an audited, notified alert and puts the agent under supervision (every
 * next action needs a supervisor) until a security officer clears it.
 */
class SupportAlertTest {
  final SupportFixture f = new SupportFixture(SupportSettings.DEFAULT.withThresholds(
      new SupportSettings.Threshold(3, Duration.ofHours(24)), new SupportSettings.Threshold(4, Duration.ofHours(1))));

  private SupportAction reset(dev.bindery.testkit.TestOperator agent, IdentityId target) {
    return f.create(agent, f.request(SupportActionType.TOKEN_REISSUE, target));
  }

  private List<SupportAlert> alerts() {
    return f.service.alerts(f.caller(f.securityOfficer), false, null, 100);
  }

  @Test
  void resetsOfOneIdentity_theFourthIn24Hours_raisesAnAlertAndNeedsASupervisor() {
    Identity id = f.workload(1);
    reset(f.agent, id.id());
    reset(f.agent2, id.id());
    SupportAction third = reset(f.agent, id.id());
    assertThat(third.state()).isEqualTo(ChangeState.APPLIED);
    assertThat(alerts()).isEmpty();
    long seq = f.b.auditHead().seq();

    SupportAction fourth = reset(f.agent2, id.id());

    assertThat(fourth.state()).isEqualTo(ChangeState.PENDING);
    assertThat(fourth.requiredBecause()).containsExactly(SupportAction.UNDER_SUPERVISION);
    assertThat(alerts()).singleElement().satisfies(a -> {
      assertThat(a.kind()).isEqualTo(SupportAlert.Kind.IDENTITY_RESETS);
      assertThat(a.agent()).isEqualTo(f.agent2.id());
      assertThat(a.target()).isEqualTo(SupportTarget.identity(id.id()));
      assertThat(a.action()).isEqualTo(fourth.id());
      assertThat(a.details()).isEqualTo(Map.of("count", "4", "max", "3", "window", "PT24H"));
    });
    assertThat(f.b.auditSince(seq)).filteredOn(e -> e.action().equals("support.alert")).singleElement()
        .satisfies(e -> assertThat(e.details()).containsEntry("kind", "identity_resets")
            .containsEntry("supervision_required", true));
    assertThat(f.notifier.events()).contains(SupportService.EVENT_ALERT);
    assertThat(f.service.reportForMetrics(Duration.ofHours(1), Duration.ofDays(1)).openAlerts()).isEqualTo(1);
  }

  @Test
  void afterACrossing_theAgentsNextActionOnAnUnprivilegedTargetNeedsASupervisor_untilCleared() {
    Identity id = f.workload(1);
    for (int i = 0; i < 4; i++) {
      SupportAction a = reset(f.agent, id.id());
      if (a.open()) {
        f.approve(f.supervisor, a.id());
      }
    }
    SupportAlert alert = alerts().get(0);

    SupportAction next = reset(f.agent, f.workload(1).id());
    SupportAction otherAgent = reset(f.agent2, f.workload(1).id());

    assertThat(next.state()).isEqualTo(ChangeState.PENDING);
    assertThat(next.requiredBecause()).containsExactly(SupportAction.UNDER_SUPERVISION);
    assertThat(otherAgent.state()).as("only that agent is under supervision").isEqualTo(ChangeState.APPLIED);

    SupportAlert cleared = f.service.clearAlert(f.steppedUp(f.securityOfficer), alert.id(), "spoke with the agent");

    assertThat(cleared.open()).isFalse();
    assertThat(cleared.clearedBy()).isEqualTo(f.securityOfficer.id());
    assertThat(reset(f.agent, f.workload(1).id()).state()).isEqualTo(ChangeState.APPLIED);
    assertThat(f.b.auditEvents()).filteredOn(e -> e.action().equals("support.alert.clear")).singleElement()
        .satisfies(e -> assertThat(e.details()).containsEntry("agent_under_supervision", false));
  }

  @Test
  void identitiesPerAgent_theFifthTargetInAnHour_raisesAnAlert() {
    for (int i = 0; i < 4; i++) {
      assertThat(reset(f.agent, f.workload(1).id()).state()).isEqualTo(ChangeState.APPLIED);
    }
    // acting again on a target already counted is no new target
    SupportAction again = f.create(f.agent, f.request(SupportActionType.RECOVERY_CODES_ISSUE,
        f.service.list(f.caller(f.auditor), SupportActionQuery.all(1).withAgent(f.agent.id())).items().get(0)
            .target().identityId()));
    assertThat(again.state()).isEqualTo(ChangeState.APPLIED);

    SupportAction fifth = reset(f.agent, f.workload(1).id());

    assertThat(fifth.state()).isEqualTo(ChangeState.PENDING);
    assertThat(alerts()).singleElement().satisfies(a -> {
      assertThat(a.kind()).isEqualTo(SupportAlert.Kind.AGENT_TARGETS);
      assertThat(a.details()).containsEntry("count", "5").containsEntry("max", "4");
    });
    // an hour later the window has moved on, but the open alert keeps the agent supervised
    f.advance(Duration.ofHours(2));
    f.warm();
    assertThat(reset(f.agent, f.workload(1).id()).state()).isEqualTo(ChangeState.PENDING);
    assertThat(alerts()).hasSize(1);
  }

  @Test
  void outsideTheAgentsHours_raisesAnAlert_insideDoesNot() {
    Instant now = dev.bindery.testkit.MutableClock.standard().instant();
    LocalTime t = now.atOffset(ZoneOffset.UTC).toLocalTime();
    SupportSettings.WorkingHours around = new SupportSettings.WorkingHours(t.minusHours(2), t.plusHours(2),
        ZoneOffset.UTC);
    SupportSettings.WorkingHours away = new SupportSettings.WorkingHours(t.plusHours(3), t.plusHours(5),
        ZoneOffset.UTC);
    SupportFixture h = new SupportFixture(dev.bindery.testkit.TestBindery.inMemory(), SupportSettings.DEFAULT);
    SupportService inHours = new SupportService(h.b.auditedTransactor(), h.b.authorizer(),
        new java.security.SecureRandom(), SupportSettings.DEFAULT.withAgentHours(Map.of(h.agent.id(), around,
        h.agent2.id(), away)), h.b.credentials(), h.b.identities(), h.tokens, h.delivery, h.notifier);
    Caller agent = h.steppedUp(h.agent);
    Caller agent2 = h.steppedUp(h.agent2);

    SupportAction inside = inHours.create(agent, h.request(SupportActionType.TOKEN_REISSUE, h.workload(1).id()));
    SupportAction outside = inHours.create(agent2, h.request(SupportActionType.TOKEN_REISSUE, h.workload(1).id()));
    SupportAction noHours = inHours.create(h.steppedUp(h.agentSupervisor), h.request(SupportActionType.TOKEN_REISSUE,
        h.workload(1).id()));

    assertThat(inside.state()).isEqualTo(ChangeState.APPLIED);
    assertThat(outside.state()).isEqualTo(ChangeState.PENDING);
    assertThat(noHours.state()).as("an agent without configured hours").isEqualTo(ChangeState.APPLIED);
    assertThat(inHours.alerts(h.caller(h.securityOfficer), true, null, 10)).singleElement().satisfies(a -> {
      assertThat(a.kind()).isEqualTo(SupportAlert.Kind.OUTSIDE_HOURS);
      assertThat(a.agent()).isEqualTo(h.agent2.id());
      assertThat(a.details()).containsEntry("hours", away.wire());
    });
  }

  @Test
  void unusualSource_aNewSourceWithinAnHourOfAReset_raisesAnAlertForTheResettingAgent() {
    Identity id = f.workload(1);
    f.b.store().inTransaction(t -> f.service.credentialEnrolledInTransaction(t, id.id(), "192.0.2.1", f.now(),
        "req"));
    SupportAction reset = f.create(f.agent, f.request(SupportActionType.CREDENTIAL_RESET, id.id()));
    f.advance(Duration.ofMinutes(20));

    Optional<SupportAlert> known = f.b.store().inTransaction(t -> f.service.credentialEnrolledInTransaction(t,
        id.id(), "192.0.2.1", f.now(), "req"));
    Optional<SupportAlert> unusual = f.b.store().inTransaction(t -> f.service.credentialEnrolledInTransaction(t,
        id.id(), "198.51.100.7", f.now(), "req"));
    Optional<SupportAlert> seenNow = f.b.store().inTransaction(t -> f.service.credentialEnrolledInTransaction(t,
        id.id(), "198.51.100.7", f.now(), "req"));

    assertThat(known).isEmpty();
    assertThat(seenNow).isEmpty();
    assertThat(unusual).hasValueSatisfying(a -> {
      assertThat(a.kind()).isEqualTo(SupportAlert.Kind.UNUSUAL_ENROLMENT_SOURCE);
      assertThat(a.agent()).isEqualTo(f.agent.id());
      assertThat(a.action()).isEqualTo(reset.id());
      assertThat(a.details()).containsEntry("source", "198.51.100.7");
    });
    assertThat(alerts()).hasSize(1);
    assertThat(f.b.auditEvents()).filteredOn(e -> e.action().equals("support.alert")).extracting(AuditEvent::actor)
        .containsExactly("system");
    assertThat(reset(f.agent, f.workload(1).id()).state()).as("the agent is now under supervision")
        .isEqualTo(ChangeState.PENDING);
  }

  @Test
  void unusualSource_longerThanTheWindowAfterTheReset_noAlert() {
    Identity id = f.workload(1);
    f.create(f.agent, f.request(SupportActionType.CREDENTIAL_RESET, id.id()));
    f.advance(Duration.ofMinutes(61));

    Optional<SupportAlert> late = f.b.store().inTransaction(t -> f.service.credentialEnrolledInTransaction(t, id.id(),
        "198.51.100.7", f.now(), "req"));

    assertThat(late).isEmpty();
    assertThat(alerts()).isEmpty();
  }

  // ---- the unusual-source check on every enrolment with a code (SupportEnrolmentSources, wired by the fixture) ----

  /** Enrols a fresh key for {@code identity} with an ordinary code the owner created, from {@code source}. */
  private Credential enrolWithOwnerCode(IdentityId identity, String source) {
    String code = f.b.credentials().createEnrolmentCode(f.caller(f.owner), identity, null).code().reveal();
    return f.b.credentials().enrol(code, TestCsr.forKey(TestKeys.ecP256()).pem(), source, "req-enrol").credential()
        .credential();
  }

  private List<String> sources(IdentityId identity) {
    return f.b.store().read(t -> t.supportAlerts().enrolmentSources(identity));
  }

  @Test
  void unusualSource_ordinaryOwnerCodeFromAnUnseenSourceWithinTheWindowAfterAReset_raisesTheAlert() {
    Identity id = f.workload(1);
    enrolWithOwnerCode(id.id(), "192.0.2.1");
    assertThat(sources(id.id())).as("an ordinary enrolment's source is learnt").containsExactly("192.0.2.1");
    SupportAction reset = f.create(f.agent, f.request(SupportActionType.CREDENTIAL_RESET, id.id()));
    assertThat(reset.state()).isEqualTo(ChangeState.APPLIED);
    f.advance(Duration.ofMinutes(20));
    f.warm();
    long seq = f.b.auditHead().seq();

    Credential enrolled = enrolWithOwnerCode(id.id(), "198.51.100.7");

    assertThat(alerts()).singleElement().satisfies(a -> {
      assertThat(a.kind()).isEqualTo(SupportAlert.Kind.UNUSUAL_ENROLMENT_SOURCE);
      assertThat(a.agent()).isEqualTo(f.agent.id());
      assertThat(a.target()).isEqualTo(SupportTarget.identity(id.id()));
      assertThat(a.action()).isEqualTo(reset.id());
      assertThat(a.details()).containsEntry("source", "198.51.100.7")
          .containsEntry("reset_applied_at", reset.resolvedAt().toString()).containsEntry("window", "PT1H");
    });
    // the enrolment and the alert commit together; the alert is the system's, with the enrolment's request id
    assertThat(f.b.auditSince(seq)).extracting(AuditEvent::action).containsExactly(
        "credential.enrolment_code.create", "credential.enrol", "support.alert");
    assertThat(f.b.auditSince(seq).get(2)).satisfies(e -> {
      assertThat(e.actor()).isEqualTo("system");
      assertThat(e.requestId()).isEqualTo("req-enrol");
      assertThat(e.details()).containsEntry("kind", "unusual_enrolment_source")
          .containsEntry("agent", f.agent.id().value()).containsEntry("support_action_id", reset.id().value())
          .containsEntry("supervision_required", true);
    });
    assertThat(f.notifier.queued).filteredOn(q -> q.event().equals(SupportService.EVENT_ALERT)).singleElement()
        .satisfies(q -> assertThat(q.action()).isEqualTo(reset.id()));
    assertThat(enrolled.status()).as("an alert does not refuse the enrolment")
        .isEqualTo(dev.bindery.credential.CredentialStatus.ACTIVE);
    assertThat(sources(id.id())).containsExactly("192.0.2.1", "198.51.100.7");
    SupportAction next = reset(f.agent, f.workload(1).id());
    assertThat(next.state()).as("the agent of the reset is under supervision").isEqualTo(ChangeState.PENDING);
    assertThat(next.requiredBecause()).containsExactly(SupportAction.UNDER_SUPERVISION);
  }

  @Test
  void unusualSource_ordinaryOwnerCodeFromASeenSourceWithinTheWindow_noAlert() {
    Identity id = f.workload(1);
    enrolWithOwnerCode(id.id(), "192.0.2.1");
    f.create(f.agent, f.request(SupportActionType.CREDENTIAL_RESET, id.id()));
    f.advance(Duration.ofMinutes(20));
    f.warm();
    long seq = f.b.auditHead().seq();

    enrolWithOwnerCode(id.id(), "192.0.2.1");

    assertThat(alerts()).isEmpty();
    assertThat(f.b.auditSince(seq)).extracting(AuditEvent::action).containsExactly(
        "credential.enrolment_code.create", "credential.enrol");
    assertThat(f.notifier.events()).doesNotContain(SupportService.EVENT_ALERT);
    assertThat(reset(f.agent, f.workload(1).id()).state()).isEqualTo(ChangeState.APPLIED);
  }

  @Test
  void unusualSource_ordinaryOwnerCodeFromAnUnseenSourceAfterTheWindow_noAlertButTheSourceIsLearnt() {
    Identity id = f.workload(1);
    enrolWithOwnerCode(id.id(), "192.0.2.1");
    f.create(f.agent, f.request(SupportActionType.CREDENTIAL_RESET, id.id()));
    f.advance(Duration.ofMinutes(61));
    f.warm();
    long seq = f.b.auditHead().seq();

    enrolWithOwnerCode(id.id(), "198.51.100.7");

    assertThat(alerts()).isEmpty();
    assertThat(f.b.auditSince(seq)).extracting(AuditEvent::action).containsExactly(
        "credential.enrolment_code.create", "credential.enrol");
    assertThat(sources(id.id())).containsExactly("192.0.2.1", "198.51.100.7");
  }

  @Test
  void unusualSource_enrolmentMadeInProcess_notComparedNorRecorded() {
    Identity id = f.workload(1);
    f.create(f.agent, f.request(SupportActionType.CREDENTIAL_RESET, id.id()));
    f.advance(Duration.ofMinutes(5));

    f.enrol(id.id());

    assertThat(alerts()).isEmpty();
    assertThat(sources(id.id())).isEmpty();
  }

  @Test
  void unusualSource_sourcesOfCodesUsedBeforeEverySourceWasRecorded_countAsSeen() {
    Identity id = f.workload(1);
    // an enrolment from before every enrolment was recorded: its source is only on the used code
    f.b.credentials().onEnrolment(dev.bindery.credential.EnrolmentListener.NONE);
    enrolWithOwnerCode(id.id(), "192.0.2.1");
    f.b.credentials().onEnrolment(new SupportEnrolmentSources(f.service));
    assertThat(sources(id.id())).isEmpty();
    f.create(f.agent, f.request(SupportActionType.CREDENTIAL_RESET, id.id()));

    enrolWithOwnerCode(id.id(), "192.0.2.1");

    assertThat(alerts()).isEmpty();
    assertThat(sources(id.id())).containsExactly("192.0.2.1");
  }

  @Test
  void clearAlert_byTheAgentItIsAbout_selfApproval_withoutStepUp_stepUpRequired_byNonOfficer_forbidden() {
    var agentOfficer = f.b.operator("agent and officer", java.util.EnumSet.of(dev.bindery.operator.Role.SERVICE_DESK,
        dev.bindery.operator.Role.SECURITY_OFFICER), java.util.Set.of(f.helpdesk));
    Identity id = f.workload(1);
    for (int i = 0; i < 4; i++) {
      SupportAction a = reset(agentOfficer, id.id());
      if (a.open()) {
        f.service.cancel(f.caller(agentOfficer), a.id(), null);
      }
    }
    SupportAlert alert = alerts().get(0);
    Caller self = f.steppedUp(agentOfficer);
    Caller supervisor = f.steppedUp(f.supervisor);
    f.steppedUp(f.securityOfficer);
    f.advance(Duration.ofMinutes(6));
    f.warm();
    Caller stale = f.caller(f.securityOfficer);
    StoreState before = f.b.state();

    assertRejected(() -> f.service.clearAlert(self, alert.id(), null), ErrorCode.SELF_APPROVAL);
    assertRejected(() -> f.service.clearAlert(supervisor, alert.id(), null), ErrorCode.FORBIDDEN);
    assertRejected(() -> f.service.clearAlert(stale, alert.id(), null), ErrorCode.STEP_UP_REQUIRED);
    assertRejected(() -> f.service.clearAlert(stale, SupportAlertId.generate(new java.security.SecureRandom()), null),
        ErrorCode.SUPPORT_ALERT_NOT_FOUND);

    assertThat(f.b.state().withoutAudit()).isEqualTo(before.withoutAudit());
    assertThat(f.b.auditSince(before.auditHead().seq())).hasSize(3);
  }

  @Test
  void alerts_readOnlyForOversight() {
    Caller agent = f.caller(f.agent);
    StoreState before = f.b.state();

    assertRejected(() -> f.service.alerts(agent, true, null, 10), ErrorCode.FORBIDDEN);

    assertOnlyDenied(f.b, before, "support.read", f.agent.id().value(), "", ErrorCode.FORBIDDEN);
  }
}
