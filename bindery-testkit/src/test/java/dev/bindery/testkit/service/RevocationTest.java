package dev.bindery.testkit.service;

import static dev.bindery.testkit.BinderyAssertions.assertAuditedSince;
import static dev.bindery.testkit.BinderyAssertions.assertNothingWritten;
import static dev.bindery.testkit.BinderyAssertions.assertOnlyDenied;
import static dev.bindery.testkit.BinderyAssertions.assertRejected;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bindery.audit.AuditEvent;
import dev.bindery.common.ErrorCode;
import dev.bindery.credential.Credential;
import dev.bindery.credential.CredentialId;
import dev.bindery.credential.CredentialRevocationRegistry;
import dev.bindery.credential.CredentialService;
import dev.bindery.credential.CredentialStatus;
import dev.bindery.credential.CredentialView;
import dev.bindery.identity.Identity;
import dev.bindery.pki.CertificateStatus;
import dev.bindery.pki.RevocationReason;
import dev.bindery.pki.RevokedCertificate;
import dev.bindery.testkit.StoreState;
import dev.bindery.testkit.TestOperator;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class RevocationTest {
  private final CredentialFixture f = new CredentialFixture();
  private final CredentialRevocationRegistry registry = new CredentialRevocationRegistry(f.b.store());

  @Test
  void revoke_byIdWithReason_revokesAndTheCrlAndOcspShowItAtOnce() {
    Identity identity = f.workload();
    Credential c = f.enrol(identity.id()).issued().credential().credential();
    f.advance(Duration.ofMinutes(3));
    long seq = f.b.auditHead().seq();

    CredentialView revoked = f.service.revoke(f.caller(f.owner), c.id(), RevocationReason.KEY_COMPROMISE);

    assertThat(revoked.usable()).isFalse();
    assertThat(revoked.credential().status()).isEqualTo(CredentialStatus.REVOKED);
    assertThat(revoked.credential().revokedAt()).isEqualTo(f.now());
    assertThat(revoked.credential().revocationReason()).isEqualTo(RevocationReason.KEY_COMPROMISE);
    assertThat(registry.status(c.serial(), f.now()))
        .isEqualTo(new CertificateStatus.Revoked(f.now(), RevocationReason.KEY_COMPROMISE));
    assertThat(registry.revokedUnexpired(f.now()))
        .containsExactly(new RevokedCertificate(c.serial(), f.now(), RevocationReason.KEY_COMPROMISE));
    AuditEvent e = assertAuditedSince(f.b, seq, "credential.revoke").get(0);
    assertThat(e.target()).isEqualTo(identity.id().value());
    assertThat(e.details()).containsEntry("credential_id", c.id().value())
        .containsEntry("revocation_reason", "key_compromise").containsEntry("serial", c.serialHex());
  }

  @Test
  void revokeBySerial_hexOfTheCertificate_revokesThatCertificate() {
    Identity identity = f.workload();
    Credential c = f.enrol(identity.id()).issued().credential().credential();
    BigInteger serial = CredentialService.parseSerial(c.serialHex().toUpperCase(java.util.Locale.ROOT));

    CredentialView revoked = f.service.revokeBySerial(f.caller(f.securityOfficer), serial,
        RevocationReason.PRIVILEGE_WITHDRAWN);

    assertThat(revoked.credential().id()).isEqualTo(c.id());
    assertThat(registry.status(c.serial(), f.now()))
        .isEqualTo(new CertificateStatus.Revoked(f.now(), RevocationReason.PRIVILEGE_WITHDRAWN));
  }

  @Test
  void parseSerial_badHex_invalidIdentifier() {
    for (String bad : new String[] {null, "", "xyz", "0", "00", "-1", "1".repeat(41)}) {
      assertRejected(() -> CredentialService.parseSerial(bad), ErrorCode.INVALID_IDENTIFIER);
    }
    assertThat(CredentialService.parseSerial("0a")).isEqualTo(BigInteger.TEN);
  }

  @Test
  void revoke_ownersAdminAndSecurityOfficer_mayRevoke() {
    Identity identity = f.workload();
    for (TestOperator op : List.of(f.owner, f.backupMember, f.admin, f.securityOfficer)) {
      Credential c = f.service.createApiKey(f.caller(f.admin), identity.id(), f.now().plus(Duration.ofDays(1)))
          .credential().credential();

      assertThat(f.service.revoke(f.caller(op), c.id(), RevocationReason.UNSPECIFIED).credential().status())
          .isEqualTo(CredentialStatus.REVOKED);
    }
  }

  @Test
  void revoke_outsiderAuditorLeakReporter_forbiddenDeniedAndNothingWritten() {
    Identity identity = f.workload();
    Credential c = f.enrol(identity.id()).issued().credential().credential();
    for (TestOperator op : List.of(f.outsider, f.auditor, f.leakReporter)) {
      var caller = f.caller(op);
      StoreState before = f.b.state();

      assertRejected(() -> f.service.revoke(caller, c.id(), RevocationReason.KEY_COMPROMISE), ErrorCode.FORBIDDEN);

      assertOnlyDenied(f.b, before, "credential.revoke", op.id().value(), c.id().value(), ErrorCode.FORBIDDEN);
    }
    assertThat(registry.status(c.serial(), f.now())).isEqualTo(new CertificateStatus.Good());
  }

  @Test
  void revoke_alreadyRevokedOrSuperseded_credentialAlreadyRevokedAndNothingWritten() {
    Identity identity = f.workload();
    CredentialFixture.Enrolled gen1 = f.enrol(identity.id());
    f.renew(gen1.certificate());
    Credential revoked = f.enrol(identity.id()).issued().credential().credential();
    f.service.revoke(f.caller(f.owner), revoked.id(), RevocationReason.UNSPECIFIED);
    var caller = f.caller(f.owner);
    StoreState before = f.b.state();

    assertRejected(() -> f.service.revoke(caller, revoked.id(), RevocationReason.KEY_COMPROMISE),
        ErrorCode.CREDENTIAL_ALREADY_REVOKED);
    assertRejected(() -> f.service.revoke(caller, gen1.issued().credential().credential().id(),
        RevocationReason.KEY_COMPROMISE), ErrorCode.CREDENTIAL_ALREADY_REVOKED);

    assertNothingWritten(f.b, before);
  }

  @Test
  void revoke_unknownIdOrSerial_credentialNotFoundAndNothingWritten() {
    f.enrol(f.workload().id());
    var caller = f.caller(f.admin);
    StoreState before = f.b.state();

    assertRejected(() -> f.service.revoke(caller, CredentialId.generate(new SecureRandom()), RevocationReason.UNSPECIFIED),
        ErrorCode.CREDENTIAL_NOT_FOUND);
    assertRejected(() -> f.service.revokeBySerial(caller, BigInteger.valueOf(12345), RevocationReason.UNSPECIFIED),
        ErrorCode.CREDENTIAL_NOT_FOUND);

    assertNothingWritten(f.b, before);
  }

  @Test
  void revocationReason_parse_acceptsTheApiNamesOnly() {
    assertThat(RevocationReason.parse("cessation_of_operation")).isEqualTo(RevocationReason.CESSATION_OF_OPERATION);
    assertRejected(() -> RevocationReason.parse("certificate_hold"), ErrorCode.INVALID_FIELD);
    assertRejected(() -> RevocationReason.parse("KEY_COMPROMISE"), ErrorCode.INVALID_FIELD);
  }

  @Test
  void registry_unknownSerial_isUnknownAndExpiredRevocationsLeaveTheCrl() {
    Identity identity = f.workload();
    Credential c = f.enrol(identity.id()).issued().credential().credential();
    f.service.revoke(f.caller(f.owner), c.id(), RevocationReason.SUPERSEDED);

    assertThat(registry.status(BigInteger.valueOf(7), f.now())).isEqualTo(new CertificateStatus.Unknown());
    assertThat(registry.revokedUnexpired(f.now())).hasSize(1);
    assertThat(registry.revokedUnexpired(c.notAfter().minusMillis(1))).hasSize(1);
    assertThat(registry.revokedUnexpired(c.notAfter())).isEmpty();
  }

  @Test
  void registry_suspendedIdentity_certificateStaysGoodWhileBinderyRefusesIt() {
    Identity identity = f.workload();
    CredentialFixture.Enrolled enrolled = f.enrol(identity.id());
    f.b.identities().suspend(f.caller(f.owner), identity.id(), 1, "incident");

    assertThat(registry.status(enrolled.issued().credential().credential().serial(), f.now()))
        .isEqualTo(new CertificateStatus.Good());
    assertRejected(() -> f.service.authenticateCertificate(enrolled.certificate(), f.now(), CredentialFixture.REQUEST_ID),
        ErrorCode.IDENTITY_NOT_ACTIVE);
  }
}
