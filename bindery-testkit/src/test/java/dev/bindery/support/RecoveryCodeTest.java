package dev.bindery.support;

import static dev.bindery.testkit.BinderyAssertions.assertNothingWritten;
import static dev.bindery.testkit.BinderyAssertions.assertOnlyDenied;
import static dev.bindery.testkit.BinderyAssertions.assertRejected;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bindery.audit.AuditEvent;
import dev.bindery.change.ChangeRequest;
import dev.bindery.change.ChangeType;
import dev.bindery.change.ContinuityProof;
import dev.bindery.common.ErrorCode;
import dev.bindery.common.Secret;
import dev.bindery.credential.SecretHash;
import dev.bindery.identity.Identity;
import dev.bindery.identity.IdentityId;
import dev.bindery.notify.Delivery;
import dev.bindery.notify.RegisteredWebhook;
import dev.bindery.notify.SecretKind;
import dev.bindery.store.Tx;
import dev.bindery.testkit.RebindingFixture;
import dev.bindery.testkit.StoreState;
import dev.bindery.testkit.pki.TestKeys;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Recovery codes: issued in sets of ten (a new set replaces the old), delivered to the owners, each used once as the
 * continuity proof of a re-binding request, which issues and delivers one replacement and tells the owners.
 */
class RecoveryCodeTest {
  private final SupportFixture s = new SupportFixture();
  private final SupportActionId action = SupportFixture.newAction();

  private IssuedItem issue(Identity identity, SupportActionId by) {
    return s.inTx(t -> s.delivery.issueRecoveryCodes(t, SupportFixture.AGENT, SupportFixture.REQUEST_ID,
        identity.id(), by, s.now()));
  }

  private List<RecoveryCode> stored(IdentityId identity) {
    return s.b.store().read((Tx t) -> t.recoveryCodes().listForIdentity(identity));
  }

  /** An open rotate request for {@code identity} (continuity still missing), made by an owner. */
  private ChangeRequest rotateRequest(Identity identity) {
    RebindingFixture.Enrolled current = s.f.enrol(identity.id());
    return s.f.create(s.f.owner, RebindingFixture.csrRequest(ChangeType.ROTATE, identity.id(), TestKeys.ecP256(),
        current.id()));
  }

  private ChangeRequest prove(ChangeRequest r, String code) {
    return s.f.service.submitRecoveryCode(s.f.caller(s.f.owner), r.id(), code);
  }

  @Test
  void issueRecoveryCodes_tenDistinctCodesStoredHashedAndDeliveredAsOneList() {
    Identity identity = s.reachableWorkload();

    IssuedItem item = issue(identity, action);

    assertThat(item.kind()).isEqualTo(IssuedItem.Kind.RECOVERY_CODES);
    List<RecoveryCode> codes = stored(identity.id());
    assertThat(codes).hasSize(RecoveryCodes.SET_SIZE).allSatisfy(c -> {
      assertThat(c.valid()).isTrue();
      assertThat(c.supportActionId()).isEqualTo(action);
    });
    List<String> delivered = s.deliveredValues(SupportCredentialDelivery.EVENT_RECOVERY_CODES);
    assertThat(delivered).hasSize(10).doesNotHaveDuplicates()
        .allSatisfy(v -> assertThat(v).matches("bnd_rc_[a-z2-7]{16}"));
    assertThat(delivered.stream().map(v -> SecretHash.of(Secret.of(v))).toList())
        .containsExactlyInAnyOrderElementsOf(codes.stream().map(RecoveryCode::hash).toList());
    assertThat(s.deliveries(SupportCredentialDelivery.EVENT_RECOVERY_CODES)).hasSize(2)
        .allSatisfy(d -> assertThat(d.secret().kind()).isEqualTo(SecretKind.RECOVERY_CODES));
    delivered.forEach(s::assertNotInAudit);
    AuditEvent audited = s.b.auditEvents().stream().filter(e -> e.action().equals("support.recovery_codes.issue"))
        .findFirst().orElseThrow();
    assertThat(audited.details()).containsEntry("set_ref", item.ref()).containsEntry("count", 10L);
  }

  @Test
  void issueRecoveryCodes_noOwnerWebhook_noDeliveryChannelAndNothingWritten() {
    Identity identity = s.f.workload(1);
    StoreState before = s.b.state();

    assertRejected(() -> issue(identity, action), ErrorCode.NO_DELIVERY_CHANNEL);

    assertNothingWritten(s.b, before);
  }

  @Test
  void issueRecoveryCodes_newSet_invalidatesTheOldSet() {
    Identity identity = s.reachableWorkload();
    issue(identity, action);
    List<String> old = s.deliveredValues(SupportCredentialDelivery.EVENT_RECOVERY_CODES);
    issue(identity, SupportFixture.newAction());
    ChangeRequest r = rotateRequest(identity);

    assertThat(assertRejected(() -> prove(r, old.get(0)), ErrorCode.RECOVERY_CODE_INVALID).getMessage())
        .endsWith("was replaced or revoked");
    assertThat(stored(identity.id()).stream().filter(RecoveryCode::valid).count()).isEqualTo(10);
  }

  @Test
  void submitRecoveryCode_validCode_consumedContinuityRecordedReplacementDeliveredOwnersTold() {
    Identity identity = s.reachableWorkload();
    issue(identity, action);
    String code = s.deliveredValues(SupportCredentialDelivery.EVENT_RECOVERY_CODES).get(3);
    ChangeRequest r = rotateRequest(identity);

    ChangeRequest proven = prove(r, code);

    assertThat(proven.continuity().method()).isEqualTo(ContinuityProof.Method.RECOVERY_CODE);
    assertThat(proven.continuity().credentialId()).isNull();
    assertThat(proven.missing()).doesNotContain("continuity");
    RecoveryCode used = stored(identity.id()).stream().filter(c -> c.hash().equals(SecretHash.of(Secret.of(code))))
        .findFirst().orElseThrow();
    assertThat(used.usedAt()).isEqualTo(s.now());
    assertThat(used.usedFor()).isEqualTo(r.id().value());
    List<Delivery> told = s.deliveries(SupportCredentialDelivery.EVENT_RECOVERY_CODE_USED);
    assertThat(told).hasSize(2).allSatisfy(d -> {
      assertThat(d.notification().changeRequestId()).isEqualTo(r.id().value());
      assertThat(d.notification().details()).containsEntry("code_ref", used.ref());
      assertThat(d.secret().kind()).isEqualTo(SecretKind.RECOVERY_CODE);
    });
    String replacement = s.deliveredValue(SupportCredentialDelivery.EVENT_RECOVERY_CODE_USED);
    RecoveryCode next = stored(identity.id()).stream()
        .filter(c -> c.hash().equals(SecretHash.of(Secret.of(replacement)))).findFirst().orElseThrow();
    assertThat(next.valid()).isTrue();
    assertThat(next.supportActionId()).isEqualTo(action);
    assertThat(stored(identity.id()).stream().filter(RecoveryCode::valid).count()).isEqualTo(10);
    AuditEvent continuity = s.b.auditEvents().stream().filter(e -> e.action().equals("change_request.continuity"))
        .reduce((a, b) -> b).orElseThrow();
    assertThat(continuity.details()).containsEntry("method", "recovery_code")
        .containsEntry("recovery_code_ref", used.ref());
    s.assertNotInAudit(code);
    s.assertNotInAudit(replacement);
  }

  @Test
  void submitRecoveryCode_usedTwice_refusedAuditedAndNothingElseWritten() {
    Identity identity = s.reachableWorkload();
    issue(identity, action);
    String code = s.deliveredValues(SupportCredentialDelivery.EVENT_RECOVERY_CODES).get(0);
    ChangeRequest first = prove(rotateRequest(identity), code);
    s.f.service.cancel(s.f.caller(s.f.owner), first.id(), "made by mistake");
    ChangeRequest second = rotateRequest(identity);
    s.f.warm();
    StoreState before = s.b.state();

    assertThat(assertRejected(() -> prove(second, code), ErrorCode.RECOVERY_CODE_INVALID).getMessage())
        .endsWith("was already used");

    AuditEvent denied = assertOnlyDenied(s.b, before, "change_request.continuity", s.f.owner.id().value(),
        second.id().value(), ErrorCode.RECOVERY_CODE_INVALID);
    assertThat(denied.details().toString()).doesNotContain(code);
  }

  @Test
  void submitRecoveryCode_anotherIdentitysCode_refusedAndThatCodeStaysUsable() {
    Identity identity = s.reachableWorkload();
    Identity other = s.f.workload(1);
    issue(other, action);
    String foreign = s.deliveredValues(SupportCredentialDelivery.EVENT_RECOVERY_CODES).get(0);
    ChangeRequest r = rotateRequest(identity);
    s.f.warm();
    StoreState before = s.b.state();

    assertThat(assertRejected(() -> prove(r, foreign), ErrorCode.RECOVERY_CODE_INVALID).getMessage())
        .endsWith("belongs to another identity");

    assertOnlyDenied(s.b, before, "change_request.continuity", s.f.owner.id().value(), r.id().value(),
        ErrorCode.RECOVERY_CODE_INVALID);
    assertThat(stored(other.id())).allSatisfy(c -> assertThat(c.valid()).isTrue());
  }

  @Test
  void submitRecoveryCode_unknownOrMalformed_refused() {
    Identity identity = s.reachableWorkload();
    ChangeRequest r = rotateRequest(identity);

    assertThat(assertRejected(() -> prove(r, RecoveryCodes.generate(new java.security.SecureRandom()).reveal()),
        ErrorCode.RECOVERY_CODE_INVALID).getMessage()).isEqualTo("the recovery code is unknown");
    assertThat(assertRejected(() -> prove(r, "bnd_rc_short"), ErrorCode.RECOVERY_CODE_INVALID).getMessage())
        .isEqualTo("the recovery code is malformed");
  }

  @Test
  void submitRecoveryCode_ownersRemovedTheirWebhooks_noDeliveryChannelAndTheCodeIsNotConsumed() {
    RegisteredWebhook payments = s.webhook(s.f.payments);
    Identity identity = s.f.workload(1);
    issue(identity, action);
    String code = s.deliveredValues(SupportCredentialDelivery.EVENT_RECOVERY_CODES).get(0);
    s.outbox.removeWebhook(s.b.steppedUp(s.f.admin), s.f.payments, payments.webhook().id());
    ChangeRequest r = rotateRequest(identity);
    s.f.warm();
    StoreState before = s.b.state();

    assertRejected(() -> prove(r, code), ErrorCode.NO_DELIVERY_CHANNEL);

    assertOnlyDenied(s.b, before, "change_request.continuity", s.f.owner.id().value(), r.id().value(),
        ErrorCode.NO_DELIVERY_CHANNEL);
  }

  @Test
  void revokeIssued_recoveryCodes_theUnusedCodesOfTheSetStopWorking() {
    Identity identity = s.reachableWorkload();
    issue(identity, action);
    List<String> codes = s.deliveredValues(SupportCredentialDelivery.EVENT_RECOVERY_CODES);
    prove(rotateRequest(identity), codes.get(0));

    List<String> revoked = s.inTx(t -> s.delivery.revokeIssued(t, "op_officer", SupportFixture.REQUEST_ID, action,
        s.now()));

    assertThat(revoked).as("nine left of the set plus the replacement").containsExactly("recovery_codes:10");
    assertThat(stored(identity.id())).noneMatch(RecoveryCode::valid);
    assertThat(new HashSet<>(codes)).hasSize(10);
  }
}
