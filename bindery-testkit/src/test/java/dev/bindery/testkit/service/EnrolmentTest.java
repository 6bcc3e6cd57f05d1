package dev.bindery.testkit.service;

import static dev.bindery.testkit.BinderyAssertions.assertAuditedSince;
import static dev.bindery.testkit.BinderyAssertions.assertNothingWritten;
import static dev.bindery.testkit.BinderyAssertions.assertOnlyDenied;
import static dev.bindery.testkit.BinderyAssertions.assertRejected;
import static dev.bindery.testkit.service.CredentialFixture.REQUEST_ID;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bindery.audit.AuditEvent;
import dev.bindery.common.ErrorCode;
import dev.bindery.common.Hashing;
import dev.bindery.credential.BindMethod;
import dev.bindery.credential.Credential;
import dev.bindery.credential.CredentialKeys;
import dev.bindery.credential.CredentialStatus;
import dev.bindery.credential.CredentialType;
import dev.bindery.credential.EnrolmentCode;
import dev.bindery.credential.IssuedEnrolmentCode;
import dev.bindery.credential.IssuedSvid;
import dev.bindery.credential.Lineage;
import dev.bindery.credential.SecretHash;
import dev.bindery.identity.Identity;
import dev.bindery.identity.IdentityKind;
import dev.bindery.store.Tx;
import dev.bindery.testkit.StoreState;
import dev.bindery.testkit.TestOperator;
import dev.bindery.testkit.pki.TestCsr;
import dev.bindery.testkit.pki.TestKeys;
import java.security.KeyPair;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnrolmentTest {
  private final CredentialFixture f = new CredentialFixture();

  // ---- enrolment codes ----------------------------------------------------------------------------------

  @Test
  void createEnrolmentCode_owner_returnsCodeOnceAndStoresOnlyItsHash() {
    Identity identity = f.workload();
    long seq = f.b.auditHead().seq();

    IssuedEnrolmentCode issued = f.service.createEnrolmentCode(f.caller(f.owner), identity.id(), null);

    String code = issued.code().reveal();
    assertThat(code).matches("bnd_enr_[a-z2-7]{52}");
    assertThat(issued.expiresAt()).isEqualTo(f.now().plusSeconds(600));
    List<EnrolmentCode> stored = f.b.store().read(t -> t.enrolmentCodes().listForIdentity(identity.id()));
    assertThat(stored).hasSize(1);
    assertThat(stored.get(0).hash().hex()).isEqualTo(HexFormat.of().formatHex(Hashing.sha256(code.getBytes(
        java.nio.charset.StandardCharsets.UTF_8))));
    assertThat(stored.get(0).createdBy()).isEqualTo(f.owner.id().value());
    assertThat(stored.get(0).used()).isFalse();
    AuditEvent e = assertAuditedSince(f.b, seq, "credential.enrolment_code.create").get(0);
    assertThat(e.target()).isEqualTo(identity.id().value());
    assertThat(e.detailsJson()).doesNotContain(code).doesNotContain(code.substring(8));
  }

  @Test
  void createEnrolmentCode_adminAndBackupOwnerAndShortTtl_areAllowed() {
    Identity identity = f.workload();

    IssuedEnrolmentCode byAdmin = f.service.createEnrolmentCode(f.caller(f.admin), identity.id(), Duration.ofSeconds(30));
    IssuedEnrolmentCode byBackup = f.service.createEnrolmentCode(f.caller(f.backupMember), identity.id(), null);

    assertThat(byAdmin.expiresAt()).isEqualTo(f.now().plusSeconds(30));
    assertThat(byBackup.identityId()).isEqualTo(identity.id());
    assertThat(f.b.store().read((Tx t) -> t.enrolmentCodes().listForIdentity(identity.id()))).hasSize(2);
  }

  @Test
  void createEnrolmentCode_notOwnerNorAdmin_forbiddenDeniedAndNothingWritten() {
    Identity identity = f.workload();
    for (TestOperator op : List.of(f.outsider, f.auditor, f.securityOfficer, f.leakReporter)) {
      var caller = f.caller(op);
      StoreState before = f.b.state();

      assertRejected(() -> f.service.createEnrolmentCode(caller, identity.id(), null), ErrorCode.FORBIDDEN);

      assertOnlyDenied(f.b, before, "credential.enrolment_code.create", op.id().value(), identity.id().value(),
          ErrorCode.FORBIDDEN);
    }
  }

  @Test
  void createEnrolmentCode_ttlOutOfRange_invalidFieldAndNothingWritten() {
    Identity identity = f.workload();
    var caller = f.caller(f.owner);
    StoreState before = f.b.state();

    for (Duration ttl : List.of(Duration.ZERO, Duration.ofSeconds(-1), Duration.ofSeconds(601), Duration.ofHours(1))) {
      var e = assertRejected(() -> f.service.createEnrolmentCode(caller, identity.id(), ttl),
          ErrorCode.INVALID_FIELD);
      assertThat(e.field()).isEqualTo("ttl_seconds");
    }

    assertNothingWritten(f.b, before);
  }

  @Test
  void createEnrolmentCode_retiredIdentity_identityRetiredAndNothingWritten() {
    Identity identity = f.workload();
    f.b.identities().retire(f.b.steppedUp(f.admin), identity.id(), 1, "gone");
    StoreState before = f.b.state();

    assertRejected(() -> f.service.createEnrolmentCode(f.caller(f.admin), identity.id(), null),
        ErrorCode.IDENTITY_RETIRED);

    assertNothingWritten(f.b, before);
  }

  // ---- enrolment ----------------------------------------------------------------------------------------

  @Test
  void enrol_validCodeAndCsr_issuesGenerationOneOfANewLineageAndUsesTheCode() {
    Identity identity = f.workload();
    IssuedEnrolmentCode code = f.code(identity.id());
    KeyPair key = TestKeys.ecP256();
    long seq = f.b.auditHead().seq();

    IssuedSvid issued = f.service.enrol(code.code().reveal(), TestCsr.forKey(key).pem(), REQUEST_ID);

    Credential c = issued.credential().credential();
    assertThat(issued.credential().usable()).isTrue();
    assertThat(issued.spiffeId()).isEqualTo("spiffe://bindery.test/nhi/" + identity.id().value());
    assertThat(issued.chain()).containsExactlyElementsOf(f.b.pki().ca().chain());
    assertThat(issued.certificate().getPublicKey()).isEqualTo(key.getPublic());
    assertThat(c.type()).isEqualTo(CredentialType.X509_SVID);
    assertThat(c.status()).isEqualTo(CredentialStatus.ACTIVE);
    assertThat(c.generation()).isEqualTo(1);
    assertThat(c.bindMethod()).isEqualTo(BindMethod.ENROLMENT);
    assertThat(c.boundBy()).isEqualTo(f.owner.id().value());
    assertThat(c.boundAt()).isEqualTo(f.now());
    assertThat(c.serial()).isEqualTo(issued.certificate().getSerialNumber());
    assertThat(c.thumbprint()).isEqualTo(CredentialKeys.x5tS256(issued.certificate()));
    assertThat(c.keyType()).isEqualTo("EC P-256");
    assertThat(c.notAfter()).isEqualTo(f.now().plus(Duration.ofHours(24)));
    assertThat(c.assurance().wire()).isEqualTo("software");
    Lineage lineage = f.b.store().read(t -> t.lineages().findById(c.lineageId())).orElseThrow();
    assertThat(lineage.currentGeneration()).isEqualTo(1);
    assertThat(lineage.currentCredential()).isEqualTo(c.id());
    assertThat(lineage.identityId()).isEqualTo(identity.id());
    EnrolmentCode used = f.b.store().read(t -> t.enrolmentCodes().findByHash(SecretHash.of(code.code()))).orElseThrow();
    assertThat(used.usedAt()).isEqualTo(f.now());
    assertThat(used.credentialId()).isEqualTo(c.id());
    assertThat(f.b.store().read((Tx t) -> t.credentials().findById(c.id()))).contains(c);
    AuditEvent e = assertAuditedSince(f.b, seq, "credential.enrol").get(0);
    assertThat(e.actor()).isEqualTo(identity.id().value());
    assertThat(e.details()).containsEntry("credential_id", c.id().value()).containsEntry("generation", 1L)
        .containsEntry("code_created_by", f.owner.id().value());
  }

  @Test
  void enrol_csrNamingItsOwnSpiffeId_isAccepted() {
    Identity identity = f.workload();
    String csr = TestCsr.forKey(TestKeys.ed25519()).requestUri("spiffe://bindery.test/nhi/" + identity.id().value()).pem();

    IssuedSvid issued = f.service.enrol(f.code(identity.id()).code().reveal(), csr, REQUEST_ID);

    assertThat(issued.credential().credential().keyType()).isEqualTo("Ed25519");
  }

  @Test
  void enrol_validityComesFromTheKindsRotationPolicy() {
    Identity device = f.identity(IdentityKind.DEVICE);
    f.service.setRotationPolicy(f.caller(f.admin), IdentityKind.DEVICE,
        CredentialType.X509_SVID, Duration.ofHours(4), Duration.ofHours(2));

    IssuedSvid issued = f.service.enrol(f.code(device.id()).code().reveal(), CredentialFixture.csr(), REQUEST_ID);

    assertThat(issued.credential().credential().notAfter()).isEqualTo(f.now().plus(Duration.ofHours(4)));
    assertThat(issued.certificate().getNotAfter().toInstant()).isEqualTo(f.now().plus(Duration.ofHours(4)));
  }

  @Test
  void enrol_unknownCode_enrolmentCodeInvalidDeniedAndNothingWritten() {
    Identity identity = f.workload();
    f.code(identity.id());
    String unknown = "bnd_enr_" + "a".repeat(52);
    StoreState before = f.b.state();

    assertRejected(() -> f.service.enrol(unknown, CredentialFixture.csr(), REQUEST_ID),
        ErrorCode.ENROLMENT_CODE_INVALID);

    AuditEvent e = assertOnlyDenied(f.b, before, "credential.enrol", "anonymous", "", ErrorCode.ENROLMENT_CODE_INVALID);
    assertThat(e.detailsJson()).doesNotContain(unknown);
  }

  @Test
  void enrol_malformedCode_enrolmentCodeInvalidDeniedAndNothingWritten() {
    for (String bad : new String[] {null, "", "bnd_enr_short", "bnd_op_" + "a".repeat(52), "x".repeat(10_000)}) {
      StoreState before = f.b.state();

      assertRejected(() -> f.service.enrol(bad, CredentialFixture.csr(), REQUEST_ID), ErrorCode.ENROLMENT_CODE_INVALID);

      assertOnlyDenied(f.b, before, "credential.enrol", "anonymous", "", ErrorCode.ENROLMENT_CODE_INVALID);
    }
  }

  @Test
  void enrol_codeUsedTwice_secondIsEnrolmentCodeUsedDeniedAndNothingWritten() {
    Identity identity = f.workload();
    String code = f.code(identity.id()).code().reveal();
    f.service.enrol(code, CredentialFixture.csr(), REQUEST_ID);
    StoreState before = f.b.state();

    assertRejected(() -> f.service.enrol(code, CredentialFixture.csr(), REQUEST_ID), ErrorCode.ENROLMENT_CODE_USED);

    assertOnlyDenied(f.b, before, "credential.enrol", "anonymous", identity.id().value(), ErrorCode.ENROLMENT_CODE_USED);
  }

  @Test
  void enrol_codeAtItsExpiry_enrolmentCodeExpiredDeniedAndNothingWritten() {
    Identity identity = f.workload();
    String code = f.code(identity.id()).code().reveal();
    f.advance(Duration.ofSeconds(600));
    StoreState before = f.b.state();

    assertRejected(() -> f.service.enrol(code, CredentialFixture.csr(), REQUEST_ID), ErrorCode.ENROLMENT_CODE_EXPIRED);

    assertOnlyDenied(f.b, before, "credential.enrol", "anonymous", identity.id().value(),
        ErrorCode.ENROLMENT_CODE_EXPIRED);
  }

  @Test
  void enrol_codeOneMillisecondBeforeExpiry_works() {
    Identity identity = f.workload();
    String code = f.code(identity.id()).code().reveal();
    f.advance(Duration.ofSeconds(600).minusMillis(1));

    IssuedSvid issued = f.service.enrol(code, CredentialFixture.csr(), REQUEST_ID);

    assertThat(issued.credential().usable()).isTrue();
  }

  @Test
  void enrol_suspendedOrRetiredIdentity_identityNotActiveDeniedAndCodeStaysUnused() {
    Identity identity = f.workload();
    String code = f.code(identity.id()).code().reveal();
    f.b.identities().suspend(f.caller(f.owner), identity.id(), 1, "incident");
    StoreState before = f.b.state();

    assertRejected(() -> f.service.enrol(code, CredentialFixture.csr(), REQUEST_ID), ErrorCode.IDENTITY_NOT_ACTIVE);

    assertOnlyDenied(f.b, before, "credential.enrol", "anonymous", identity.id().value(), ErrorCode.IDENTITY_NOT_ACTIVE);
    f.b.identities().retire(f.b.steppedUp(f.admin), identity.id(), 2, "gone");
    StoreState retired = f.b.state();
    assertRejected(() -> f.service.enrol(code, CredentialFixture.csr(), REQUEST_ID), ErrorCode.IDENTITY_NOT_ACTIVE);
    assertOnlyDenied(f.b, retired, "credential.enrol", "anonymous", identity.id().value(), ErrorCode.IDENTITY_NOT_ACTIVE);
  }

  @Test
  void enrol_badCsrs_eachRefusedWithItsCodeNotAuditedAndTheCodeStillWorks() {
    Identity identity = f.workload();
    String code = f.code(identity.id()).code().reveal();
    Map<String, ErrorCode> bad = Map.of(
        "not a csr", ErrorCode.CSR_MALFORMED,
        TestCsr.forKey(TestKeys.ecP256()).tamperSignature().pem(), ErrorCode.CSR_SIGNATURE_INVALID,
        TestCsr.forKey(TestKeys.rsa(1024)).pem(), ErrorCode.KEY_TOO_WEAK,
        TestCsr.forKey(TestKeys.secp256k1()).pem(), ErrorCode.KEY_UNSUPPORTED,
        TestCsr.forKey(TestKeys.ecP256()).requestBasicConstraints(true).pem(), ErrorCode.CSR_NOT_PERMITTED,
        TestCsr.forKey(TestKeys.ecP256()).requestUri("spiffe://bindery.test/nhi/other").pem(), ErrorCode.CSR_NOT_PERMITTED,
        TestCsr.forKey(TestKeys.ecP256()).requestDnsName("admin.example").pem(), ErrorCode.CSR_NOT_PERMITTED);
    StoreState before = f.b.state();

    bad.forEach((csr, expected) -> assertRejected(() -> f.service.enrol(code, csr, REQUEST_ID), expected));

    assertNothingWritten(f.b, before);
    assertThat(f.service.enrol(code, CredentialFixture.csr(), REQUEST_ID).credential().usable()).isTrue();
  }

  @Test
  void enrol_twoLineagesForOneIdentity_areIndependent() {
    Identity identity = f.workload();

    CredentialFixture.Enrolled first = f.enrol(identity.id());
    CredentialFixture.Enrolled second = f.enrol(identity.id());

    assertThat(first.issued().credential().credential().lineageId())
        .isNotEqualTo(second.issued().credential().credential().lineageId());
    assertThat(second.issued().credential().credential().generation()).isEqualTo(1);
  }
}
