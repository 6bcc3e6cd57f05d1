package dev.bindery.support;

import static dev.bindery.testkit.BinderyAssertions.assertRejected;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import dev.bindery.audit.AuditEvent;
import dev.bindery.audit.Outcome;
import dev.bindery.common.ErrorCode;
import dev.bindery.identity.Identity;
import dev.bindery.testkit.SupportFixture;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * An identity's history ({@code IdentityHistory.history}, {@code GET /api/v1/identities/{id}/history}) holds the
 * events of the support actions on it, whose audit events target the action's id ({@code support.action.create}
 * with the risk and the evidence, the approvals and their refusals, the apply, the review), merged in sequence order
 * with the identity's own; nothing of an action on another identity or on an operator.
 */
class SupportHistoryTest {
  final SupportFixture f = new SupportFixture();

  /** A reset of a level-2 identity: refused to the agent who is a supervisor, approved by a supervisor, reviewed. */
  private SupportAction resetAndReviewed(Identity id) {
    f.enrol(id.id());
    SupportAction pending = f.create(f.agentSupervisor, f.request(SupportActionType.CREDENTIAL_RESET, id.id()));
    assertRejected(() -> f.approve(f.agentSupervisor, pending.id()), ErrorCode.SELF_APPROVAL);
    f.approve(f.supervisor, pending.id());
    return f.service.review(f.caller(f.securityOfficer), pending.id(), SupportReview.State.CONFIRMED, null);
  }

  @Test
  void history_includesTheIdentitysSupportActionEvents_inSequenceOrder_notAnotherTargetsActions() {
    Identity id = f.workload(2);
    Identity other = f.workload(2);
    SupportAction reset = resetAndReviewed(id);
    SupportAction contact = f.create(f.agent, f.request(SupportActionType.RECOVERY_CONTACT_CHANGE, id.id(),
        Map.of("backup_owner", "team:other")));
    SupportAction othersReset = resetAndReviewed(other);
    SupportAction reenrol = f.create(f.agent, f.reenrol(f.employee.id()));

    List<AuditEvent> history = f.b.history().history(f.caller(f.auditor), id.id(), 0, 1000);

    assertThat(history).extracting(AuditEvent::seq).isSorted().doesNotHaveDuplicates();
    assertThat(history).filteredOn(e -> e.target().equals(reset.id().value()))
        .extracting(AuditEvent::action, AuditEvent::outcome).containsExactly(
            tuple("support.action.create", Outcome.SUCCESS),
            tuple("support.action.approve", Outcome.DENIED),
            tuple("support.action.approve", Outcome.SUCCESS),
            tuple("support.action.apply", Outcome.SUCCESS),
            tuple("support.action.review", Outcome.SUCCESS));
    // the creation carries the risk and the evidence: the ticket is traced from the identity's history
    AuditEvent created = history.stream().filter(e -> e.target().equals(contact.id().value())
        && e.action().equals("support.action.create")).findFirst().orElseThrow();
    assertThat(created.details()).containsEntry("risk", "high").containsEntry("type", "recovery_contact_change");
    assertThat(created.details().get("evidence").toString()).contains(SupportFixture.TICKET);
    // every event of the identity and of its two actions is there: the whole log, filtered independently
    Set<String> targets = Set.of(id.id().value(), reset.id().value(), contact.id().value());
    assertThat(history).containsExactlyElementsOf(f.b.auditEvents().stream()
        .filter(e -> targets.contains(e.target())).toList());
    assertThat(history).extracting(AuditEvent::target).doesNotContain(othersReset.id().value(),
        reenrol.id().value(), other.id().value());
  }
}
