package dev.bindery.history;

import static dev.bindery.testkit.BinderyAssertions.assertRejected;
import static dev.bindery.testkit.RebindingFixture.csrRequest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import dev.bindery.audit.AuditEvent;
import dev.bindery.audit.Outcome;
import dev.bindery.change.ApproverRole;
import dev.bindery.change.ChangeRequest;
import dev.bindery.change.ChangeType;
import dev.bindery.common.ErrorCode;
import dev.bindery.identity.Identity;
import dev.bindery.support.SupportAction;
import dev.bindery.support.SupportActionType;
import dev.bindery.support.SupportReview;
import dev.bindery.testkit.RebindingFixture;
import dev.bindery.testkit.SupportFixture;
import dev.bindery.testkit.TestOperator;
import dev.bindery.testkit.pki.TestKeys;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * An identity's history ({@link IdentityHistory}, {@code GET /api/v1/identities/{id}/history}) holds the events of
 * its change requests and of its support actions, whose audit events target the request's or the action's id, merged
 * with its own in sequence order, and nothing of another identity's requests or actions. Support actions' events
 * (evidence) are only for those who may read support actions and the identity's owners.
 */
class IdentityHistoryTest {
  final RebindingFixture f = new RebindingFixture();

  /** A level-1 recover of {@code id}, refused once (self-approval), approved by an owner, applied. */
  private ChangeRequest recovered(Identity id) {
    RebindingFixture.Enrolled old = f.enrol(id.id());
    ChangeRequest r = f.create(f.owner, csrRequest(ChangeType.RECOVER, id.id(), TestKeys.ecP256(), old.id()));
    assertRejected(() -> f.approve(f.owner, r.id(), ApproverRole.OWNER), ErrorCode.SELF_APPROVAL);
    f.approve(f.owner2, r.id(), ApproverRole.OWNER);
    f.advance(Duration.ofMinutes(1));
    f.warm();
    f.service.apply(f.caller(f.owner), r.id());
    return r;
  }

  @Test
  void history_includesTheIdentitysChangeRequestEvents_inSequenceOrder_notAnotherIdentitys() {
    Identity id = f.workload(1);
    Identity other = f.workload(1);
    ChangeRequest r = recovered(id);
    ChangeRequest others = recovered(other);

    List<AuditEvent> history = f.b.history().history(f.caller(f.outsider), id.id(), 0, 1000);

    assertThat(history).extracting(AuditEvent::seq).isSorted().doesNotHaveDuplicates();
    assertThat(history).extracting(AuditEvent::target).containsOnly(id.id().value(), r.id().value());
    assertThat(history).filteredOn(e -> e.target().equals(r.id().value()))
        .extracting(AuditEvent::action, AuditEvent::outcome).containsExactly(
            tuple("change_request.create", Outcome.SUCCESS),
            tuple("change_request.approve", Outcome.DENIED),
            tuple("change_request.approve", Outcome.SUCCESS),
            tuple("change_request.apply", Outcome.SUCCESS));
    // the apply's credential events target the identity and sit between the approval and the apply
    List<String> actions = history.stream().map(AuditEvent::action).toList();
    assertThat(actions.subList(actions.lastIndexOf("change_request.approve"), actions.size()))
        .containsExactly("change_request.approve", "credential.revoke", "credential.rebind", "change_request.apply");
    // every event of the identity and of its request is there: the whole log, filtered independently
    assertThat(history).containsExactlyElementsOf(f.b.auditEvents().stream()
        .filter(e -> e.target().equals(id.id().value()) || e.target().equals(r.id().value())).toList());
    assertThat(history).extracting(AuditEvent::target).doesNotContain(others.id().value(), other.id().value());
  }

  @Test
  void history_pagedByLimitAndCursor_pagesJoinToTheWholeHistoryWithoutGapsOrRepeats() {
    Identity id = f.workload(1);
    recovered(id);
    ChangeRequest second = f.create(f.owner, csrRequest(ChangeType.RECOVER, id.id(), TestKeys.ecP256(),
        f.credentialsOf(id.id()).get(1).id()));
    f.service.cancel(f.caller(f.owner), second.id(), "changed my mind");
    List<AuditEvent> whole = f.b.history().history(f.caller(f.admin), id.id(), 0, 1000);

    List<AuditEvent> paged = new ArrayList<>();
    long after = 0;
    while (true) {
      List<AuditEvent> page = f.b.history().history(f.caller(f.admin), id.id(), after, 3);
      assertThat(page).hasSizeLessThanOrEqualTo(3);
      paged.addAll(page);
      if (page.size() < 3) {
        break;
      }
      after = page.get(page.size() - 1).seq();
    }

    assertThat(whole).extracting(AuditEvent::action).endsWith("change_request.create", "change_request.cancel");
    assertThat(paged).containsExactlyElementsOf(whole);
  }

  // ---- support actions -------------------------------------------------------------------------------------

  /**
   * A token reissue of a privileged (level 2) identity: made, refused once (the agent approving their own action),
   * approved by a supervisor (which applies it), and confirmed in review.
   */
  private static SupportAction reissued(SupportFixture s, Identity id) {
    SupportAction a = s.create(s.agent, s.request(SupportActionType.TOKEN_REISSUE, id.id()));
    assertThat(a.state()).isEqualTo(dev.bindery.change.ChangeState.PENDING);
    assertRejected(() -> s.service.approve(s.steppedUp(s.agent), a.id(), null), ErrorCode.SELF_APPROVAL);
    s.approve(s.supervisor, a.id());
    s.service.review(s.steppedUp(s.securityOfficer), a.id(), SupportReview.State.CONFIRMED, "checked the ticket");
    return a;
  }

  private static List<AuditEvent> historyOf(SupportFixture s, TestOperator reader, Identity id) {
    return s.b.history().history(s.caller(reader), id.id(), 0, 1000);
  }

  @Test
  void history_includesTheIdentitysSupportActionEvents_inSequenceOrder_notAnotherIdentitysNorAnOperators() {
    SupportFixture s = new SupportFixture();
    Identity id = s.workload(2);
    Identity other = s.workload(2);
    SupportAction a = reissued(s, id);
    SupportAction others = reissued(s, other);
    SupportAction reenrol = s.create(s.agent, s.reenrol(s.employee.id()));

    List<AuditEvent> history = historyOf(s, s.auditor, id);

    assertThat(history).extracting(AuditEvent::seq).isSorted().doesNotHaveDuplicates();
    assertThat(history).extracting(AuditEvent::target).containsOnly(id.id().value(), a.id().value());
    assertThat(history).filteredOn(e -> e.target().equals(a.id().value()))
        .extracting(AuditEvent::action, AuditEvent::outcome).containsExactly(
            tuple("support.action.create", Outcome.SUCCESS),
            tuple("support.action.approve", Outcome.DENIED),
            tuple("support.action.approve", Outcome.SUCCESS),
            tuple("support.action.apply", Outcome.SUCCESS),
            tuple("support.action.review", Outcome.SUCCESS));
    // every event of the identity and of its action is there: the whole log, filtered independently
    assertThat(history).containsExactlyElementsOf(s.b.auditEvents().stream()
        .filter(e -> e.target().equals(id.id().value()) || e.target().equals(a.id().value())).toList());
    assertThat(history).extracting(AuditEvent::target).doesNotContain(others.id().value(), other.id().value(),
        reenrol.id().value());
  }

  @Test
  void history_supportActionEvents_forSupportReadersAndOwners_leftOutForOtherOperators() {
    SupportFixture s = new SupportFixture();
    Identity id = s.workload(2);
    SupportAction a = reissued(s, id);

    for (TestOperator reader : List.of(s.owner, s.agent2, s.supervisor, s.securityOfficer, s.admin, s.auditor)) {
      assertThat(historyOf(s, reader, id)).as("read by %s", reader.id()).extracting(AuditEvent::target)
          .contains(a.id().value());
    }
    List<AuditEvent> outsiders = historyOf(s, s.employee, id);
    assertThat(outsiders).extracting(AuditEvent::target).containsOnly(id.id().value());
    assertThat(outsiders).isEqualTo(historyOf(s, s.auditor, id).stream()
        .filter(e -> e.target().equals(id.id().value())).toList());
  }

  @Test
  void history_withSupportActions_pagedByLimitAndCursor_pagesJoinToTheWholeHistory() {
    SupportFixture s = new SupportFixture();
    Identity id = s.workload(2);
    reissued(s, id);
    SupportAction second = s.create(s.agent, s.request(SupportActionType.RECOVERY_CODES_ISSUE, id.id()));
    s.service.cancel(s.caller(s.agent), second.id(), "wrong identity");
    List<AuditEvent> whole = historyOf(s, s.admin, id);

    List<AuditEvent> paged = new ArrayList<>();
    long after = 0;
    while (true) {
      List<AuditEvent> page = s.b.history().history(s.caller(s.admin), id.id(), after, 2);
      assertThat(page).hasSizeLessThanOrEqualTo(2);
      paged.addAll(page);
      if (page.size() < 2) {
        break;
      }
      after = page.get(page.size() - 1).seq();
    }

    assertThat(whole).extracting(AuditEvent::action).endsWith("support.action.create", "support.action.cancel");
    assertThat(paged).containsExactlyElementsOf(whole);
  }
}
