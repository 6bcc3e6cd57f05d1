package dev.bindery.support;

import static dev.bindery.testkit.BinderyAssertions.assertOnlyDenied;
import static dev.bindery.testkit.BinderyAssertions.assertRejected;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bindery.audit.AuditEvent;
import dev.bindery.change.ChangeState;
import dev.bindery.common.ErrorCode;
import dev.bindery.credential.Credential;
import dev.bindery.credential.CredentialStatus;
import dev.bindery.identity.BackupOwner;
import dev.bindery.identity.Identity;
import dev.bindery.identity.TeamId;
import dev.bindery.pki.RevocationReason;
import dev.bindery.revocation.RevocationEvent;
import dev.bindery.revocation.RevocationEventType;
import dev.bindery.security.Caller;
import dev.bindery.testkit.StoreState;
import dev.bindery.testkit.SupportFixture;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What applying each of the seven action types does. */
class SupportApplyTest {
  final SupportFixture f = new SupportFixture();
  final Identity id = f.workload(1);

  private List<RevocationEvent> feed() {
    return f.b.store().read(t -> t.revocationEvents().since(0, 10_000));
  }

  @Test
  void credentialReset_revokesEveryActiveCredentialThroughTheFeedAndIssuesAnEnrolmentCode() {
    Credential a = f.enrol(id.id());
    Credential b = f.enrol(id.id());
    f.b.credentials().revoke(f.caller(f.admin), b.id(), RevocationReason.SUPERSEDED);
    Credential c = f.enrol(id.id());
    int feedBefore = feed().size();

    SupportAction applied = f.create(f.agent, f.request(SupportActionType.CREDENTIAL_RESET, id.id(),
        Map.of("temporary_ttl_seconds", "300")));

    assertThat(applied.state()).isEqualTo(ChangeState.APPLIED);
    assertThat(applied.result().revokedCredentials()).containsExactlyInAnyOrder(a.id(), c.id());
    assertThat(f.credentialsOf(id.id())).allSatisfy(x -> assertThat(x.status()).isNotEqualTo(CredentialStatus.ACTIVE));
    Credential revokedA = f.b.store().read(t -> t.credentials().findById(a.id())).orElseThrow();
    assertThat(revokedA.revocationReason()).isEqualTo(RevocationReason.KEY_COMPROMISE);
    assertThat(feed()).hasSize(feedBefore + 2);
    assertThat(f.delivery.calls).singleElement().satisfies(call -> {
      assertThat(call.method()).isEqualTo("issueEnrolmentCode");
      assertThat(call.target()).isEqualTo(id.id().value());
      assertThat(call.action()).isEqualTo(applied.id());
      assertThat(call.ttl()).isEqualTo(Duration.ofMinutes(5));
    });
    assertThat(applied.result().issued()).singleElement()
        .satisfies(i -> assertThat(i.kind()).isEqualTo(IssuedItem.Kind.ENROLMENT_CODE));
    List<AuditEvent> revokes = f.b.auditEvents().stream().filter(e -> e.action().equals("credential.revoke")
        && applied.id().value().equals(e.details().get("support_action_id"))).toList();
    assertThat(revokes).hasSize(2).allSatisfy(e -> assertThat(e.details()).containsEntry("cause", "support_action"));
    AuditEvent apply = f.b.auditEvents().stream().filter(e -> e.action().equals("support.action.apply")).findFirst()
        .orElseThrow();
    @SuppressWarnings("unchecked")
    Map<String, Object> result = (Map<String, Object>) apply.details().get("result");
    assertThat(result.get("issued")).isEqualTo(List.of(Map.of("kind", "enrolment_code",
        "ref", applied.result().issued().get(0).ref())));
  }

  @Test
  void credentialReset_superseded_usesThatReason() {
    Credential a = f.enrol(id.id());

    f.create(f.agent, f.request(SupportActionType.CREDENTIAL_RESET, id.id(), Map.of("revocation_reason",
        "superseded")));

    assertThat(f.b.store().read(t -> t.credentials().findById(a.id())).orElseThrow().revocationReason())
        .isEqualTo(RevocationReason.SUPERSEDED);
  }

  @Test
  void credentialReset_withoutDeliveryChannel_refusedAndNoCredentialRevoked() {
    f.enrol(id.id());
    f.delivery.noChannel = true;
    Caller agent = f.steppedUp(f.agent);
    StoreState before = f.b.state();

    assertRejected(() -> f.service.create(agent, f.request(SupportActionType.CREDENTIAL_RESET, id.id())),
        ErrorCode.NO_DELIVERY_CHANNEL);

    assertOnlyDenied(f.b, before, "support.action.create", f.agent.id().value(), id.id().value(),
        ErrorCode.NO_DELIVERY_CHANNEL);
  }

  @Test
  void factorReenrol_issuesATotpEnrolmentForThatOperator() {
    SupportAction applied = f.create(f.agent, f.reenrol(f.employee.id()));

    assertThat(applied.state()).isEqualTo(ChangeState.APPLIED);
    assertThat(applied.target()).isEqualTo(SupportTarget.operator(f.employee.id()));
    assertThat(f.delivery.calls).singleElement().satisfies(call -> {
      assertThat(call.method()).isEqualTo("issueTotpEnrolment");
      assertThat(call.target()).isEqualTo(f.employee.id().value());
      assertThat(call.ttl()).isEqualTo(Duration.ofMinutes(10));
    });
    assertThat(applied.result().issued()).extracting(IssuedItem::kind)
        .containsExactly(IssuedItem.Kind.TOTP_ENROLMENT);
  }

  @Test
  void recoveryCodesIssue_issuesRecoveryCodesForTheIdentity() {
    SupportAction applied = f.create(f.agent, f.request(SupportActionType.RECOVERY_CODES_ISSUE, id.id()));

    assertThat(f.delivery.methods()).containsExactly("issueRecoveryCodes");
    assertThat(f.delivery.calls.get(0).target()).isEqualTo(id.id().value());
    assertThat(applied.result().issued()).extracting(IssuedItem::kind)
        .containsExactly(IssuedItem.Kind.RECOVERY_CODES);
  }

  @Test
  void recoveryContactChange_toAnotherTeam_movesTheBackupOwnerAndTellsOldAndNew() {
    SupportAction applied = f.create(f.agent, f.request(SupportActionType.RECOVERY_CONTACT_CHANGE, id.id(),
        Map.of("backup_owner", "team:other")));

    Identity after = f.identity(id.id());
    assertThat(after.ownership().backupOwner()).isEqualTo(BackupOwner.team(f.other));
    assertThat(after.version()).isEqualTo(id.version() + 1);
    assertThat(applied.result().before()).isEqualTo(Map.of("backup_owner", "team:platform"));
    assertThat(applied.result().after()).isEqualTo(Map.of("backup_owner", "team:other"));
    // the previous owners are told before the change (their webhooks are still the identity's), the new after it
    assertThat(f.notifier.events()).containsExactly(SupportService.EVENT_OWNERS_CHANGING,
        SupportService.EVENT_APPLIED);
    AuditEvent transfer = f.b.auditEvents().stream().filter(e -> e.action().equals("identity.transfer_ownership"))
        .findFirst().orElseThrow();
    assertThat(transfer.details()).containsEntry("support_action_id", applied.id().value())
        .containsEntry("before", Map.of("backup_owner", "team:platform"))
        .containsEntry("after", Map.of("backup_owner", "team:other"));
  }

  @Test
  void recoveryContactChange_toAPersonContact_setsTheIdentitysContact() {
    SupportAction applied = f.create(f.agent, f.request(SupportActionType.RECOVERY_CONTACT_CHANGE, id.id(),
        Map.of("backup_owner", "person:oncall@example.org")));

    assertThat(f.identity(id.id()).contact()).isEqualTo("oncall@example.org");
    assertThat(f.identity(id.id()).ownership()).isEqualTo(id.ownership());
    assertThat(applied.result().after()).isEqualTo(Map.of("contact", "person:oncall@example.org"));
  }

  @Test
  void ownerReset_movesOwnershipToTheNewTeam() {
    SupportAction applied = f.create(f.agent, f.request(SupportActionType.OWNER_RESET, id.id(),
        Map.of("owning_team", "other")));

    assertThat(f.identity(id.id()).ownership().owningTeam()).isEqualTo(new TeamId("other"));
    assertThat(f.identity(id.id()).ownership().backupOwner()).isEqualTo(id.ownership().backupOwner());
    assertThat(applied.result().before()).isEqualTo(Map.of("owning_team", "payments"));
    assertThat(f.notifier.events()).containsExactly(SupportService.EVENT_OWNERS_CHANGING,
        SupportService.EVENT_APPLIED);
  }

  @Test
  void tokenReissue_appendsAnIdentityFeedEvent() {
    int before = feed().size();

    SupportAction applied = f.create(f.agent, f.request(SupportActionType.TOKEN_REISSUE, id.id()));

    List<RevocationEvent> events = feed();
    assertThat(events).hasSize(before + 1);
    RevocationEvent last = events.get(events.size() - 1);
    assertThat(last.type()).isEqualTo(RevocationEventType.IDENTITY);
    assertThat(last.value()).isEqualTo(id.id().value());
    assertThat(applied.result().after()).isEqualTo(Map.of("tokens_revoked_through", last.at().toString()));
    assertThat(applied.result().before()).isEqualTo(Map.of("tokens_revoked_through", ""));
  }

  @Test
  void profileEdit_setsTheAssuranceLevelAuditedAsAnIdentityEvent() {
    SupportAction applied = f.create(f.agent, f.request(SupportActionType.PROFILE_EDIT, id.id(),
        Map.of("assurance_level", "3")));

    assertThat(f.identity(id.id()).assuranceLevel()).isEqualTo(3);
    assertThat(applied.result().before()).isEqualTo(Map.of("assurance_level", "1"));
    assertThat(f.b.auditEvents()).filteredOn(e -> e.action().equals("identity.assurance.raise")).singleElement()
        .satisfies(e -> assertThat(e.details()).containsEntry("support_action_id", applied.id().value()));
  }

  @Test
  void profileEdit_lowering_isAnAssuranceLowerEvent() {
    Identity level2 = f.workload(2);
    SupportAction pending = f.create(f.agent, f.request(SupportActionType.PROFILE_EDIT, level2.id(),
        Map.of("assurance_level", "1")));

    f.approve(f.supervisor, pending.id());

    assertThat(f.identity(level2.id()).assuranceLevel()).isEqualTo(1);
    assertThat(f.b.auditEvents()).extracting(AuditEvent::action).contains("identity.assurance.lower");
  }
}
