package dev.bindery.support;

import static dev.bindery.testkit.BinderyAssertions.assertNothingWritten;
import static dev.bindery.testkit.BinderyAssertions.assertOnlyDenied;
import static dev.bindery.testkit.BinderyAssertions.assertRejected;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bindery.audit.AuditEvent;
import dev.bindery.common.ErrorCode;
import dev.bindery.common.Secret;
import dev.bindery.credential.Credential;
import dev.bindery.credential.CredentialId;
import dev.bindery.credential.CredentialStatus;
import dev.bindery.credential.EnrolmentCode;
import dev.bindery.credential.IssuedSvid;
import dev.bindery.credential.SecretHash;
import dev.bindery.identity.Identity;
import dev.bindery.identity.IdentityId;
import dev.bindery.notify.Delivery;
import dev.bindery.notify.SecretKind;
import dev.bindery.pki.RevocationReason;
import dev.bindery.revocation.RevocationEvent;
import dev.bindery.revocation.RevocationEventType;
import dev.bindery.store.Tx;
import dev.bindery.testkit.StoreState;
import dev.bindery.testkit.pki.TestCsr;
import dev.bindery.testkit.pki.TestKeys;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The temporary enrolment code of a {@code credential_reset}: issue, delivery, redemption, revocation. */
class TemporaryEnrolmentCodeTest {
  private final SupportFixture s = new SupportFixture();
  private final SupportActionId action = SupportFixture.newAction();

  private IssuedItem issue(Identity identity, Duration ttl) {
    return s.inTx(t -> s.delivery.issueEnrolmentCode(t, SupportFixture.AGENT, SupportFixture.REQUEST_ID,
        identity.id(), ttl, action, s.now()));
  }

  private EnrolmentCode stored(IdentityId identity) {
    List<EnrolmentCode> codes = s.b.store().read((Tx t) -> t.enrolmentCodes().listForSupportAction(action));
    assertThat(codes).hasSize(1);
    assertThat(codes.get(0).identityId()).isEqualTo(identity);
    return codes.get(0);
  }

  private IssuedSvid enrol(String code, IdentityId identity, String source) {
    return s.b.credentials().enrol(code, TestCsr.forKey(TestKeys.ecP256())
        .requestUri(s.b.pki().ca().spiffeId(identity)).pem(), source, SupportFixture.REQUEST_ID);
  }

  @Test
  void issueEnrolmentCode_ownersHaveWebhooks_hashStoredLinkedToActionAndCodeOnlyInTheSealedDeliveries() {
    Identity identity = s.reachableWorkload();

    IssuedItem item = issue(identity, Duration.ofMinutes(5));

    EnrolmentCode code = stored(identity.id());
    assertThat(item).isEqualTo(new IssuedItem(IssuedItem.Kind.ENROLMENT_CODE, code.ref()));
    assertThat(code.supportActionId()).isEqualTo(action);
    assertThat(code.createdBy()).isEqualTo(SupportFixture.AGENT);
    assertThat(code.expiresAt()).isEqualTo(s.now().plus(Duration.ofMinutes(5)));
    assertThat(code.used()).isFalse();
    List<Delivery> deliveries = s.deliveries(SupportCredentialDelivery.EVENT_ENROLMENT_CODE);
    assertThat(deliveries).as("one per webhook of the owning and backup teams").hasSize(2);
    assertThat(deliveries).allSatisfy(d -> {
      assertThat(d.notification().identityId()).isEqualTo(identity.id());
      assertThat(d.notification().changeRequestId()).isEqualTo(action.value());
      assertThat(d.notification().secretKind()).isEqualTo(SecretKind.ENROLMENT_CODE);
      assertThat(d.notification().details()).containsEntry("code_ref", code.ref()).doesNotContainKey("code");
      assertThat(d.secret().kind()).isEqualTo(SecretKind.ENROLMENT_CODE);
    });
    String value = s.deliveredValue(SupportCredentialDelivery.EVENT_ENROLMENT_CODE);
    assertThat(value).matches("bnd_enr_[a-z2-7]{52}");
    assertThat(SecretHash.of(Secret.of(value))).isEqualTo(code.hash());
    assertThat(deliveries.get(0).notification().toString()).doesNotContain(value);
    s.assertNotInAudit(value);
    AuditEvent audited = s.b.auditEvents().stream()
        .filter(e -> e.action().equals("support.enrolment_code.issue")).findFirst().orElseThrow();
    assertThat(audited.actor()).isEqualTo(SupportFixture.AGENT);
    assertThat(audited.target()).isEqualTo(identity.id().value());
    assertThat(audited.details()).containsEntry("support_action_id", action.value())
        .containsEntry("code_ref", code.ref());
  }

  @Test
  void issueEnrolmentCode_noOwnerWebhook_noDeliveryChannelAndNothingWritten() {
    s.webhook(s.f.other);
    Identity identity = s.f.workload(1);
    StoreState before = s.b.state();

    assertRejected(() -> issue(identity, Duration.ofMinutes(5)), ErrorCode.NO_DELIVERY_CHANNEL);

    assertNothingWritten(s.b, before);
  }

  @Test
  void issueEnrolmentCode_ttlOverTenMinutes_invalidFieldAndNothingWritten() {
    Identity identity = s.reachableWorkload();
    StoreState before = s.b.state();

    assertThat(assertRejected(() -> issue(identity, Duration.ofMinutes(10).plusSeconds(1)), ErrorCode.INVALID_FIELD)
        .field()).isEqualTo("temporary_ttl_seconds");

    assertNothingWritten(s.b, before);
  }

  @Test
  void supportCode_enrol_credentialLinkedToTheActionAndSourceRecordedAndListenerTold() {
    Identity identity = s.reachableWorkload();
    List<String> told = new ArrayList<>();
    s.b.credentials().onEnrolment((t, i, credential, a, source, at, requestId) ->
        told.add(a + " " + i + " " + credential + " " + source));
    issue(identity, null);
    String code = s.deliveredValue(SupportCredentialDelivery.EVENT_ENROLMENT_CODE);

    IssuedSvid issued = enrol(code, identity.id(), "203.0.113.7");

    CredentialId id = issued.credential().credential().id();
    EnrolmentCode used = stored(identity.id());
    assertThat(used.credentialId()).isEqualTo(id);
    assertThat(used.usedFrom()).isEqualTo("203.0.113.7");
    assertThat(told).containsExactly(action + " " + identity.id() + " " + id + " 203.0.113.7");
    AuditEvent enrolled = s.b.auditEvents().stream().filter(e -> e.action().equals("credential.enrol"))
        .reduce((a, b) -> b).orElseThrow();
    assertThat(enrolled.details()).containsEntry("support_action_id", action.value())
        .containsEntry("source", "203.0.113.7");
    s.assertNotInAudit(code);
  }

  @Test
  void ordinaryCode_enrol_listenerToldWithoutSupportAction_inProcessEnrolmentWithoutSource() {
    Identity identity = s.reachableWorkload();
    List<String> told = new ArrayList<>();
    s.b.credentials().onEnrolment((t, i, credential, a, source, at, requestId) ->
        told.add(i + " " + a + " " + source + " " + requestId));
    String code = s.b.credentials().createEnrolmentCode(s.b.caller(s.f.owner), identity.id(), null).code().reveal();

    enrol(code, identity.id(), "203.0.113.9");
    s.f.enrol(identity.id());

    assertThat(told).containsExactly(identity.id() + " null 203.0.113.9 " + SupportFixture.REQUEST_ID,
        identity.id() + " null null " + SupportFixture.REQUEST_ID);
  }

  @Test
  void supportCode_usedTwice_enrolmentCodeUsedAuditedAndNothingElseWritten() {
    Identity identity = s.reachableWorkload();
    issue(identity, null);
    String code = s.deliveredValue(SupportCredentialDelivery.EVENT_ENROLMENT_CODE);
    enrol(code, identity.id(), "203.0.113.7");
    StoreState before = s.b.state();

    assertRejected(() -> enrol(code, identity.id(), "203.0.113.7"), ErrorCode.ENROLMENT_CODE_USED);

    assertOnlyDenied(s.b, before, "credential.enrol", "anonymous", identity.id().value(),
        ErrorCode.ENROLMENT_CODE_USED);
  }

  @Test
  void supportCode_afterExpiry_enrolmentCodeExpiredAndNoCredential() {
    Identity identity = s.reachableWorkload();
    issue(identity, Duration.ofMinutes(2));
    String code = s.deliveredValue(SupportCredentialDelivery.EVENT_ENROLMENT_CODE);
    s.b.clock().advance(Duration.ofMinutes(2));
    StoreState before = s.b.state();

    assertRejected(() -> enrol(code, identity.id(), "203.0.113.7"), ErrorCode.ENROLMENT_CODE_EXPIRED);

    assertOnlyDenied(s.b, before, "credential.enrol", "anonymous", identity.id().value(),
        ErrorCode.ENROLMENT_CODE_EXPIRED);
  }

  @Test
  void supportCode_csrForAnotherIdentity_refusedAndTheCodeStaysUnused() {
    Identity identity = s.reachableWorkload();
    Identity other = s.f.workload(1);
    issue(identity, null);
    String code = s.deliveredValue(SupportCredentialDelivery.EVENT_ENROLMENT_CODE);
    StoreState before = s.b.state();

    assertRejected(() -> enrol(code, other.id(), "203.0.113.7"), ErrorCode.CSR_NOT_PERMITTED);

    assertNothingWritten(s.b, before);
    assertThat(stored(identity.id()).used()).isFalse();
  }

  @Test
  void issueEnrolmentCode_again_revokesTheEarlierUnusedSupportCode() {
    Identity identity = s.reachableWorkload();
    issue(identity, null);
    String first = s.deliveredValue(SupportCredentialDelivery.EVENT_ENROLMENT_CODE);
    SupportActionId second = SupportFixture.newAction();
    s.inTx(t -> s.delivery.issueEnrolmentCode(t, SupportFixture.AGENT, SupportFixture.REQUEST_ID, identity.id(),
        null, second, s.now()));
    StoreState before = s.b.state();

    assertThat(assertRejected(() -> enrol(first, identity.id(), "203.0.113.7"), ErrorCode.ENROLMENT_CODE_INVALID)
        .getMessage()).isEqualTo("enrolment code was revoked");

    assertOnlyDenied(s.b, before, "credential.enrol", "anonymous", identity.id().value(),
        ErrorCode.ENROLMENT_CODE_INVALID);
    String replacement = s.deliveredValue(SupportCredentialDelivery.EVENT_ENROLMENT_CODE);
    assertThat(enrol(replacement, identity.id(), "203.0.113.8").credential().credential().status())
        .isEqualTo(CredentialStatus.ACTIVE);
  }

  @Test
  void revokeIssued_unusedCode_theCodeNoLongerEnrols() {
    Identity identity = s.reachableWorkload();
    IssuedItem item = issue(identity, null);
    String code = s.deliveredValue(SupportCredentialDelivery.EVENT_ENROLMENT_CODE);

    List<String> revoked = s.inTx(t -> s.delivery.revokeIssued(t, "op_officer", SupportFixture.REQUEST_ID, action,
        s.now()));

    assertThat(revoked).containsExactly("enrolment_code:" + item.ref());
    assertThat(stored(identity.id()).revokedAt()).isEqualTo(s.now());
    assertRejected(() -> enrol(code, identity.id(), "203.0.113.7"), ErrorCode.ENROLMENT_CODE_INVALID);
    assertThat(s.f.credentialsOf(identity.id())).isEmpty();
  }

  @Test
  void revokeIssued_afterEnrolment_revokesTheEnrolledCredentialForKeyCompromiseWithAFeedEvent() {
    Identity identity = s.reachableWorkload();
    issue(identity, null);
    String code = s.deliveredValue(SupportCredentialDelivery.EVENT_ENROLMENT_CODE);
    CredentialId enrolled = enrol(code, identity.id(), "203.0.113.7").credential().credential().id();
    long feedBefore = s.b.store().read((Tx t) -> t.revocationEvents().since(0, 10_000)).size();

    List<String> revoked = s.inTx(t -> s.delivery.revokeIssued(t, "op_officer", SupportFixture.REQUEST_ID, action,
        s.now()));

    assertThat(revoked).containsExactly("credential:" + enrolled.value());
    Credential c = s.f.credential(enrolled);
    assertThat(c.status()).isEqualTo(CredentialStatus.REVOKED);
    assertThat(c.revocationReason()).isEqualTo(RevocationReason.KEY_COMPROMISE);
    List<RevocationEvent> feed = s.b.store().read((Tx t) -> t.revocationEvents().since(0, 10_000));
    assertThat(feed).hasSize((int) feedBefore + 1);
    assertThat(feed.get(feed.size() - 1).type()).isEqualTo(RevocationEventType.X5T_S256);
    assertThat(feed.get(feed.size() - 1).value()).isEqualTo(c.thumbprint().value());
    AuditEvent revocation = s.b.auditEvents().stream().filter(e -> e.action().equals("credential.revoke"))
        .reduce((a, b) -> b).orElseThrow();
    assertThat(revocation.details()).containsEntry("cause", "support_action")
        .containsEntry("support_action_id", action.value());
    List<String> again = s.inTx(t -> s.delivery.revokeIssued(t, "op_officer", SupportFixture.REQUEST_ID, action,
        s.now()));
    assertThat(again).as("a second flag finds nothing left to revoke").isEmpty();
  }
}
