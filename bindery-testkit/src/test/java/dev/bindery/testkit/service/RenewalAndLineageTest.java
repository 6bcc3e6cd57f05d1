package dev.bindery.testkit.service;

import static dev.bindery.testkit.BinderyAssertions.assertAuditedSince;
import static dev.bindery.testkit.BinderyAssertions.assertNothingWritten;
import static dev.bindery.testkit.BinderyAssertions.assertOnlyDenied;
import static dev.bindery.testkit.BinderyAssertions.assertRejected;
import static dev.bindery.testkit.service.CredentialFixture.REQUEST_ID;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bindery.audit.AuditEvent;
import dev.bindery.audit.Outcome;
import dev.bindery.common.ErrorCode;
import dev.bindery.credential.AuthenticatedCredential;
import dev.bindery.credential.BindMethod;
import dev.bindery.credential.Credential;
import dev.bindery.credential.CredentialId;
import dev.bindery.credential.CredentialRevocationRegistry;
import dev.bindery.credential.CredentialStatus;
import dev.bindery.credential.IssuedSvid;
import dev.bindery.credential.Lineage;
import dev.bindery.identity.Identity;
import dev.bindery.pki.CertificateStatus;
import dev.bindery.pki.RevocationReason;
import dev.bindery.pki.RevokedCertificate;
import dev.bindery.store.Tx;
import dev.bindery.testkit.StoreState;
import dev.bindery.testkit.pki.TestCa;
import dev.bindery.testkit.pki.TestCsr;
import dev.bindery.testkit.pki.TestKeys;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class RenewalAndLineageTest {
  private final CredentialFixture f = new CredentialFixture();
  private final CredentialRevocationRegistry registry = new CredentialRevocationRegistry(f.b.store());

  private Credential stored(CredentialId id) {
    return f.b.store().read((Tx t) -> t.credentials().findById(id)).orElseThrow();
  }

  private Lineage lineage(Credential c) {
    return f.b.store().read((Tx t) -> t.lineages().findById(c.lineageId())).orElseThrow();
  }

  private AuthenticatedCredential authenticate(X509Certificate c) {
    return f.service.authenticateCertificate(c, f.now(), REQUEST_ID);
  }

  // ---- authentication -----------------------------------------------------------------------------------

  @Test
  void authenticateCertificate_currentGeneration_returnsCredentialAndIdentityAndRecordsUse() {
    Identity identity = f.workload();
    CredentialFixture.Enrolled enrolled = f.enrol(identity.id());
    f.advance(Duration.ofMinutes(5));

    AuthenticatedCredential auth = authenticate(enrolled.certificate());

    assertThat(auth.credential().id()).isEqualTo(enrolled.issued().credential().credential().id());
    assertThat(auth.identity().id()).isEqualTo(identity.id());
    assertThat(auth.authenticatedAt()).isEqualTo(f.now());
    assertThat(stored(auth.credential().id()).lastUsedAt()).isEqualTo(f.now());
  }

  @Test
  void authenticateCertificate_repeatedWithinAMinute_recordsUseOnce() {
    CredentialFixture.Enrolled enrolled = f.enrol(f.workload().id());
    authenticate(enrolled.certificate());
    java.time.Instant first = f.now();
    f.advance(Duration.ofSeconds(30));
    long seq = f.b.auditHead().seq();
    StoreState before = f.b.state();

    authenticate(enrolled.certificate());

    assertNothingWritten(f.b, before);
    assertThat(f.b.auditSince(seq)).isEmpty();
    assertThat(stored(enrolled.issued().credential().credential().id()).lastUsedAt()).isEqualTo(first);
  }

  @Test
  void authenticateCertificate_noCertificate_clientCertificateRequired() {
    StoreState before = f.b.state();

    assertRejected(() -> f.service.authenticateCertificate(null, f.now(), REQUEST_ID),
        ErrorCode.CLIENT_CERTIFICATE_REQUIRED);

    assertNothingWritten(f.b, before);
  }

  @Test
  void authenticateCertificate_certificateOfAnotherCa_credentialUnknownNotAudited() {
    Identity identity = f.workload();
    f.enrol(identity.id());
    X509Certificate foreign = TestCa.create(f.now()).issue(identity.id(), Duration.ofHours(1), f.now()).issued()
        .certificate();
    StoreState before = f.b.state();

    assertRejected(() -> authenticate(foreign), ErrorCode.CREDENTIAL_UNKNOWN);

    assertNothingWritten(f.b, before);
  }

  @Test
  void authenticateCertificate_atNotAfter_credentialExpiredDenied() {
    Identity identity = f.workload();
    CredentialFixture.Enrolled enrolled = f.enrol(identity.id());
    f.advance(Duration.ofHours(24));
    StoreState before = f.b.state();

    assertRejected(() -> authenticate(enrolled.certificate()), ErrorCode.CREDENTIAL_EXPIRED);

    assertOnlyDenied(f.b, before, "credential.authenticate", identity.id().value(), identity.id().value(),
        ErrorCode.CREDENTIAL_EXPIRED);
  }

  @Test
  void authenticateCertificate_revoked_credentialRevokedDenied() {
    Identity identity = f.workload();
    CredentialFixture.Enrolled enrolled = f.enrol(identity.id());
    f.service.revoke(f.caller(f.owner), enrolled.issued().credential().credential().id(), RevocationReason.UNSPECIFIED);
    StoreState before = f.b.state();

    assertRejected(() -> authenticate(enrolled.certificate()), ErrorCode.CREDENTIAL_REVOKED);

    assertOnlyDenied(f.b, before, "credential.authenticate", identity.id().value(), identity.id().value(),
        ErrorCode.CREDENTIAL_REVOKED);
  }

  @Test
  void authenticateCertificate_suspendedIdentity_identityNotActiveUntilResumed() {
    Identity identity = f.workload();
    CredentialFixture.Enrolled enrolled = f.enrol(identity.id());
    f.b.identities().suspend(f.caller(f.owner), identity.id(), 1, "incident");
    StoreState before = f.b.state();

    assertRejected(() -> authenticate(enrolled.certificate()), ErrorCode.IDENTITY_NOT_ACTIVE);
    assertOnlyDenied(f.b, before, "credential.authenticate", identity.id().value(), identity.id().value(),
        ErrorCode.IDENTITY_NOT_ACTIVE);
    f.b.identities().resume(f.caller(f.owner), identity.id(), 2);
    assertThat(authenticate(enrolled.certificate()).identity().id()).isEqualTo(identity.id());
  }

  // ---- renewal ------------------------------------------------------------------------------------------

  @Test
  void renew_currentGeneration_issuesNextGenerationAndSupersedesThePrevious() {
    Identity identity = f.workload();
    CredentialFixture.Enrolled gen1 = f.enrol(identity.id());
    Credential first = gen1.issued().credential().credential();
    f.advance(Duration.ofHours(12));
    KeyPair sameKey = gen1.key();
    long seq = f.b.auditHead().seq();

    IssuedSvid gen2 = f.service.renew(authenticate(gen1.certificate()), TestCsr.forKey(sameKey).pem(), REQUEST_ID);

    Credential second = gen2.credential().credential();
    assertThat(second.generation()).isEqualTo(2);
    assertThat(second.lineageId()).isEqualTo(first.lineageId());
    assertThat(second.bindMethod()).isEqualTo(BindMethod.RENEWAL);
    assertThat(second.boundBy()).isEqualTo(identity.id().value());
    assertThat(second.notAfter()).isEqualTo(f.now().plus(Duration.ofHours(24)));
    assertThat(gen2.certificate().getPublicKey()).isEqualTo(sameKey.getPublic());
    assertThat(second.serial()).isNotEqualTo(first.serial());
    Credential superseded = stored(first.id());
    assertThat(superseded.status()).isEqualTo(CredentialStatus.SUPERSEDED);
    assertThat(superseded.supersededBy()).isEqualTo(second.id());
    assertThat(superseded.revocationReason()).isEqualTo(RevocationReason.SUPERSEDED);
    assertThat(superseded.revokedAt()).isEqualTo(f.now());
    Lineage lineage = lineage(second);
    assertThat(lineage.currentGeneration()).isEqualTo(2);
    assertThat(lineage.currentCredential()).isEqualTo(second.id());
    assertThat(registry.status(first.serial(), f.now()))
        .isEqualTo(new CertificateStatus.Revoked(f.now(), RevocationReason.SUPERSEDED));
    assertThat(registry.status(second.serial(), f.now())).isEqualTo(new CertificateStatus.Good());
    assertThat(registry.revokedUnexpired(f.now()))
        .containsExactly(new RevokedCertificate(first.serial(), f.now(), RevocationReason.SUPERSEDED));
    AuditEvent e = assertAuditedSince(f.b, seq, "credential.renew").get(0);
    assertThat(e.actor()).isEqualTo(identity.id().value());
    assertThat(e.details()).containsEntry("superseded_credential_id", first.id().value())
        .containsEntry("generation", 2L);
  }

  @Test
  void renew_threeTimes_generationsCountUpAndOnlyTheLastIsUsable() {
    Identity identity = f.workload();
    CredentialFixture.Enrolled current = f.enrol(identity.id());
    for (int generation = 2; generation <= 4; generation++) {
      f.advance(Duration.ofHours(1));
      current = f.renew(current.certificate());
      assertThat(current.issued().credential().credential().generation()).isEqualTo(generation);
    }

    List<Credential> all = f.b.store().read((Tx t) -> t.credentials().listForIdentity(identity.id()));
    assertThat(all).extracting(Credential::status).containsExactly(CredentialStatus.SUPERSEDED,
        CredentialStatus.SUPERSEDED, CredentialStatus.SUPERSEDED, CredentialStatus.ACTIVE);
    assertThat(authenticate(current.certificate()).credential().generation()).isEqualTo(4);
  }

  @Test
  void renew_badCsr_refusedWithItsCodeNothingWrittenAndCertificateStillRenews() {
    Identity identity = f.workload();
    CredentialFixture.Enrolled gen1 = f.enrol(identity.id());
    AuthenticatedCredential auth = authenticate(gen1.certificate());
    StoreState before = f.b.state();

    assertRejected(() -> f.service.renew(auth, TestCsr.forKey(TestKeys.rsa(1024)).pem(), REQUEST_ID),
        ErrorCode.KEY_TOO_WEAK);
    assertRejected(() -> f.service.renew(auth, TestCsr.forKey(TestKeys.ecP256()).requestUri(
        "spiffe://bindery.test/nhi/someone-else").pem(), REQUEST_ID), ErrorCode.CSR_NOT_PERMITTED);

    assertNothingWritten(f.b, before);
    assertThat(f.service.renew(auth, CredentialFixture.csr(), REQUEST_ID).credential().credential().generation())
        .isEqualTo(2);
  }

  @Test
  void renew_withAnAuthenticationThatWasAlreadyUsedToRenew_credentialSupersededWithoutQuarantine() {
    Identity identity = f.workload();
    CredentialFixture.Enrolled gen1 = f.enrol(identity.id());
    AuthenticatedCredential auth = authenticate(gen1.certificate());
    IssuedSvid gen2 = f.service.renew(auth, CredentialFixture.csr(), REQUEST_ID);
    StoreState before = f.b.state();

    assertRejected(() -> f.service.renew(auth, CredentialFixture.csr(), REQUEST_ID), ErrorCode.CREDENTIAL_SUPERSEDED);

    assertOnlyDenied(f.b, before, "credential.renew", identity.id().value(), identity.id().value(),
        ErrorCode.CREDENTIAL_SUPERSEDED);
    assertThat(lineage(gen2.credential().credential()).quarantined()).isFalse();
    assertThat(f.b.quarantinedLineages()).isEmpty();
  }

  @Test
  void renew_identitySuspendedAfterAuthentication_identityNotActiveDeniedNothingWritten() {
    Identity identity = f.workload();
    CredentialFixture.Enrolled gen1 = f.enrol(identity.id());
    AuthenticatedCredential auth = authenticate(gen1.certificate());
    f.b.identities().suspend(f.caller(f.owner), identity.id(), 1, "incident");
    StoreState before = f.b.state();

    assertRejected(() -> f.service.renew(auth, CredentialFixture.csr(), REQUEST_ID), ErrorCode.IDENTITY_NOT_ACTIVE);

    assertOnlyDenied(f.b, before, "credential.renew", identity.id().value(), identity.id().value(),
        ErrorCode.IDENTITY_NOT_ACTIVE);
  }

  @Test
  void renew_selfSignedCertificate_credentialUnknownDenied() {
    Identity identity = f.workload();
    KeyPair key = TestKeys.ecP256();
    X509Certificate cert = CredentialFixture.selfSigned(key, f.now().minusSeconds(60), f.now().plus(Duration.ofDays(30)));
    f.service.registerSelfSignedCertificate(f.caller(f.owner), identity.id(), CredentialFixture.pem(cert));
    AuthenticatedCredential auth = authenticate(cert);
    StoreState before = f.b.state();

    assertRejected(() -> f.service.renew(auth, CredentialFixture.csr(), REQUEST_ID), ErrorCode.CREDENTIAL_UNKNOWN);

    assertOnlyDenied(f.b, before, "credential.renew", identity.id().value(), identity.id().value(),
        ErrorCode.CREDENTIAL_UNKNOWN);
  }

  // ---- the stolen older generation ----------------------------------------------------------------------

  @Test
  void authenticateCertificate_supersededGeneration_quarantinesThatLineageOnly() {
    Identity identity = f.workload();
    CredentialFixture.Enrolled stolen = f.enrol(identity.id());
    CredentialFixture.Enrolled otherLineage = f.enrol(identity.id());
    f.advance(Duration.ofHours(1));
    CredentialFixture.Enrolled gen2 = f.renew(stolen.certificate());
    Credential current = gen2.issued().credential().credential();
    f.advance(Duration.ofMinutes(10));
    long seq = f.b.auditHead().seq();

    assertRejected(() -> authenticate(stolen.certificate()), ErrorCode.CREDENTIAL_SUPERSEDED);

    List<AuditEvent> events = f.b.auditSince(seq);
    assertThat(events).extracting(AuditEvent::action)
        .containsExactly("credential.lineage.quarantined", "credential.authenticate");
    AuditEvent quarantine = events.get(0);
    assertThat(quarantine.outcome()).isEqualTo(Outcome.SUCCESS);
    assertThat(quarantine.actor()).isEqualTo("system");
    assertThat(quarantine.target()).isEqualTo(identity.id().value());
    assertThat(quarantine.details())
        .containsEntry("lineage_id", current.lineageId().value())
        .containsEntry("presented_generation", 1L)
        .containsEntry("current_generation", 2L)
        .containsEntry("current_credential_id", current.id().value())
        .containsEntry("revoked_serial", current.serialHex())
        .containsEntry("revocation_reason", "key_compromise");
    assertThat(events.get(1).outcome()).isEqualTo(Outcome.DENIED);
    assertThat(events.get(1).details()).containsEntry("code", "credential_superseded");
    Credential quarantined = stored(current.id());
    assertThat(quarantined.status()).isEqualTo(CredentialStatus.QUARANTINED);
    assertThat(quarantined.revocationReason()).isEqualTo(RevocationReason.KEY_COMPROMISE);
    assertThat(registry.status(current.serial(), f.now()))
        .isEqualTo(new CertificateStatus.Revoked(f.now(), RevocationReason.KEY_COMPROMISE));
    Lineage lineage = lineage(current);
    assertThat(lineage.quarantined()).isTrue();
    assertThat(f.b.quarantinedLineages()).containsExactly(lineage);
    // the thief's fresh copy and the legitimate holder's current certificate are both refused now
    assertRejected(() -> authenticate(gen2.certificate()), ErrorCode.CREDENTIAL_QUARANTINED);
    // the identity's other lineage keeps working, and still renews
    assertThat(authenticate(otherLineage.certificate()).identity().id()).isEqualTo(identity.id());
    assertThat(f.renew(otherLineage.certificate()).issued().credential().credential().generation()).isEqualTo(2);
    assertThat(lineage(otherLineage.issued().credential().credential()).quarantined()).isFalse();
  }

  @Test
  void authenticateCertificate_supersededPresentedAgain_refusedWithoutASecondQuarantine() {
    Identity identity = f.workload();
    CredentialFixture.Enrolled stolen = f.enrol(identity.id());
    f.renew(stolen.certificate());
    assertRejected(() -> authenticate(stolen.certificate()), ErrorCode.CREDENTIAL_SUPERSEDED);
    StoreState before = f.b.state();

    assertRejected(() -> authenticate(stolen.certificate()), ErrorCode.CREDENTIAL_SUPERSEDED);

    assertOnlyDenied(f.b, before, "credential.authenticate", identity.id().value(), identity.id().value(),
        ErrorCode.CREDENTIAL_SUPERSEDED);
    assertThat(f.b.quarantinedLineages()).hasSize(1);
  }

  @Test
  void renew_quarantinedLineage_credentialQuarantinedDenied() {
    Identity identity = f.workload();
    CredentialFixture.Enrolled gen1 = f.enrol(identity.id());
    CredentialFixture.Enrolled gen2 = f.renew(gen1.certificate());
    AuthenticatedCredential holder = authenticate(gen2.certificate());
    assertRejected(() -> authenticate(gen1.certificate()), ErrorCode.CREDENTIAL_SUPERSEDED);
    StoreState before = f.b.state();

    assertRejected(() -> f.service.renew(holder, CredentialFixture.csr(), REQUEST_ID), ErrorCode.CREDENTIAL_QUARANTINED);

    assertOnlyDenied(f.b, before, "credential.renew", identity.id().value(), identity.id().value(),
        ErrorCode.CREDENTIAL_QUARANTINED);
  }

  @Test
  void authenticateCertificate_expiredSupersededGeneration_expiredWithoutQuarantine() {
    Identity identity = f.workload();
    CredentialFixture.Enrolled gen1 = f.enrol(identity.id());
    f.advance(Duration.ofHours(12));
    CredentialFixture.Enrolled gen2 = f.renew(gen1.certificate());
    f.advance(Duration.ofHours(12));

    assertRejected(() -> authenticate(gen1.certificate()), ErrorCode.CREDENTIAL_EXPIRED);

    assertThat(lineage(gen2.issued().credential().credential()).quarantined()).isFalse();
    assertThat(authenticate(gen2.certificate()).credential().generation()).isEqualTo(2);
  }
}
