package dev.bindery.change;

import static dev.bindery.testkit.BinderyAssertions.assertRejected;
import static dev.bindery.testkit.RebindingFixture.csrRequest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import dev.bindery.audit.AuditEvent;
import dev.bindery.audit.Outcome;
import dev.bindery.common.ErrorCode;
import dev.bindery.identity.Identity;
import dev.bindery.testkit.RebindingFixture;
import dev.bindery.testkit.pki.TestKeys;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * An identity's history ({@code IdentityService.history}, {@code GET /api/v1/identities/{id}/history}) holds the
 * events of its change requests, whose audit events target the request's id, merged with its own in sequence order,
 * and nothing of another identity's requests.
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

    List<AuditEvent> history = f.b.identities().history(f.caller(f.outsider), id.id(), 0, 1000);

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
    List<AuditEvent> whole = f.b.identities().history(f.caller(f.admin), id.id(), 0, 1000);

    List<AuditEvent> paged = new ArrayList<>();
    long after = 0;
    while (true) {
      List<AuditEvent> page = f.b.identities().history(f.caller(f.admin), id.id(), after, 3);
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
}
