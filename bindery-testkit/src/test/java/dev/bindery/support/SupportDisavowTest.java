package dev.bindery.support;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bindery.change.ChangeState;
import dev.bindery.identity.BackupOwner;
import dev.bindery.identity.Identity;
import dev.bindery.identity.IdentityStatus;
import dev.bindery.identity.TeamId;
import dev.bindery.operator.OperatorStatus;
import dev.bindery.testkit.SupportFixture;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** "This was not us": cancel an open action, or revoke and restore an applied one; the target is locked. */
class SupportDisavowTest {
  final SupportFixture f = new SupportFixture();

  private SupportDisavowal disavow(SupportActionId id) {
    return f.b.store().inTransaction(t -> f.service.disavowInTransaction(t, id, "system", "req-disavow"));
  }

  @Test
  void disavow_openAction_cancelsItAndLocksTheIdentity() {
    Identity id = f.workload(2);
    SupportAction pending = f.create(f.agent, f.request(SupportActionType.CREDENTIAL_RESET, id.id()));

    SupportDisavowal out = disavow(pending.id());

    assertThat(out.action().state()).isEqualTo(ChangeState.CANCELLED);
    assertThat(out.targetStatus()).isEqualTo("locked");
    assertThat(f.stored(pending.id()).state()).isEqualTo(ChangeState.CANCELLED);
    assertThat(f.identity(id.id()).status()).isEqualTo(IdentityStatus.LOCKED);
    assertThat(f.delivery.calls).isEmpty();
    assertThat(f.b.auditEvents()).filteredOn(e -> e.action().equals("support.action.disavow")).singleElement()
        .satisfies(e -> assertThat(e.details()).containsEntry("target_status", "locked"));
  }

  @Test
  void disavow_appliedOwnerReset_restoresTheOwnerRevokesWhatWasIssuedAndLocks() {
    Identity id = f.workload(1);
    SupportAction applied = f.create(f.agent, f.request(SupportActionType.OWNER_RESET, id.id(),
        Map.of("owning_team", "other")));

    SupportDisavowal out = disavow(applied.id());

    Identity after = f.identity(id.id());
    assertThat(after.ownership().owningTeam()).isEqualTo(new TeamId("payments"));
    assertThat(after.status()).isEqualTo(IdentityStatus.LOCKED);
    assertThat(out.restored()).isEqualTo(Map.of("owning_team", "payments"));
    assertThat(out.revoked()).isEqualTo(f.delivery.revokedAnswer);
    assertThat(f.delivery.methods()).containsExactly("revokeIssued");
    assertThat(f.stored(applied.id()).disavowedAt()).isNotNull();
    assertThat(f.b.auditEvents()).extracting(e -> e.action()).contains("identity.restore", "identity.lock",
        "support.action.disavow");
  }

  @Test
  void disavow_appliedContactChangeSinceChangedAgain_leavesTheNewerValue() {
    Identity id = f.workload(1);
    SupportAction applied = f.create(f.agent, f.request(SupportActionType.RECOVERY_CONTACT_CHANGE, id.id(),
        Map.of("backup_owner", "team:other")));
    Identity moved = f.identity(id.id());
    f.b.identities().transferOwnership(f.steppedUp(f.admin), id.id(), moved.version(),
        new dev.bindery.identity.Ownership(f.payments, BackupOwner.team(f.helpdesk)));

    SupportDisavowal out = disavow(applied.id());

    assertThat(out.restored()).isEmpty();
    assertThat(f.identity(id.id()).ownership().backupOwner()).isEqualTo(BackupOwner.team(f.helpdesk));
    assertThat(f.identity(id.id()).status()).isEqualTo(IdentityStatus.LOCKED);
  }

  @Test
  void disavow_appliedReenrolment_disablesTheOperator() {
    SupportAction applied = f.create(f.agent, f.reenrol(f.employee.id()));

    SupportDisavowal out = disavow(applied.id());

    assertThat(out.targetStatus()).isEqualTo("disabled");
    assertThat(f.operator(f.employee.id()).status()).isEqualTo(OperatorStatus.DISABLED);
    assertThat(f.delivery.methods()).containsExactly("issueTotpEnrolment", "revokeIssued");
    assertThat(f.b.auditEvents()).filteredOn(e -> e.action().equals("operator.disable")).singleElement()
        .satisfies(e -> assertThat(e.details()).containsEntry("cause", "disavowed")
            .containsEntry("support_action_id", applied.id().value()));
  }

  @Test
  void disavow_appliedAssuranceEdit_restoresTheLevel() {
    Identity id = f.workload(1);
    SupportAction applied = f.create(f.agent, f.request(SupportActionType.PROFILE_EDIT, id.id(),
        Map.of("assurance_level", "3")));

    SupportDisavowal out = disavow(applied.id());

    assertThat(out.restored()).isEqualTo(Map.of("assurance_level", "1"));
    assertThat(f.identity(id.id()).assuranceLevel()).isEqualTo(1);
    assertThat(f.notifier.events()).isEqualTo(List.of(SupportService.EVENT_APPLIED,
        SupportService.EVENT_DISAVOWED));
  }
}
