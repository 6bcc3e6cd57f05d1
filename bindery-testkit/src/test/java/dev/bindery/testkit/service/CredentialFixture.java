package dev.bindery.testkit.service;

import dev.bindery.credential.CredentialService;
import dev.bindery.credential.IssuedEnrolmentCode;
import dev.bindery.credential.IssuedSvid;
import dev.bindery.identity.Identity;
import dev.bindery.identity.IdentityId;
import dev.bindery.identity.IdentityKind;
import dev.bindery.identity.TeamId;
import dev.bindery.operator.Role;
import dev.bindery.security.Caller;
import dev.bindery.testkit.TestBindery;
import dev.bindery.testkit.TestIdentities;
import dev.bindery.testkit.TestOperator;
import dev.bindery.testkit.pki.TestCsr;
import dev.bindery.testkit.pki.TestKeys;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A Bindery with the cast of operators the credential rules are about: an admin, an owner (member of the owning
 * team), a backup owner (member of the backup team), an outsider, an auditor, a security officer and a leak
 * reporter; plus helpers to make identities, enrol workloads and build self-signed certificates.
 */
final class CredentialFixture {
  static final String REQUEST_ID = TestBindery.REQUEST_ID;

  final TestBindery b = TestBindery.inMemory();
  final CredentialService service = b.credentials();
  final TeamId payments = b.team("payments");
  final TeamId platform = b.team("platform");
  final TeamId other = b.team("other");
  final TestOperator admin = b.admin();
  final TestOperator owner = b.member(payments);
  final TestOperator backupMember = b.member(platform);
  final TestOperator outsider = b.member(other);
  final TestOperator auditor = b.withRoles(Role.AUDITOR);
  final TestOperator securityOfficer = b.withRoles(Role.SECURITY_OFFICER);
  final TestOperator leakReporter = b.withRoles(Role.LEAK_REPORTER);

  Caller caller(TestOperator op) {
    return b.caller(op);
  }

  /** A workload owned by payments with platform as backup. */
  Identity workload() {
    return identity(IdentityKind.WORKLOAD);
  }

  Identity identity(IdentityKind kind) {
    return b.identities().create(caller(admin), TestIdentities.of(kind).owner(payments).backupTeam(platform).build())
        .identity();
  }

  Identity current(IdentityId id) {
    return b.store().read(t -> t.identities().findById(id)).orElseThrow();
  }

  IssuedEnrolmentCode code(IdentityId identity) {
    return service.createEnrolmentCode(caller(owner), identity, null);
  }

  /** A workload key and its enrolled generation-1 certificate. */
  record Enrolled(KeyPair key, IssuedSvid issued) {
    X509Certificate certificate() {
      return issued.certificate();
    }
  }

  Enrolled enrol(IdentityId identity) {
    KeyPair key = TestKeys.ecP256();
    IssuedSvid issued = service.enrol(code(identity).code().reveal(), TestCsr.forKey(key).pem(), REQUEST_ID);
    return new Enrolled(key, issued);
  }

  /** Authenticates {@code certificate} now and renews it with a fresh key. */
  Enrolled renew(X509Certificate certificate) {
    KeyPair key = TestKeys.ecP256();
    var presenter = service.authenticateCertificate(certificate, b.clock().instant(), REQUEST_ID);
    return new Enrolled(key, service.renew(presenter, TestCsr.forKey(key).pem(), REQUEST_ID));
  }

  static String csr() {
    return TestCsr.ecP256Pem();
  }

  /** A self-signed certificate for {@code key}, valid [notBefore, notAfter). */
  static X509Certificate selfSigned(KeyPair key, Instant notBefore, Instant notAfter) {
    return signed(key, key, "CN=self signed client", "CN=self signed client", notBefore, notAfter);
  }

  /** A certificate for {@code subjectKey} signed by {@code issuerKey}, with the given names. */
  static X509Certificate signed(KeyPair subjectKey, KeyPair issuerKey, String subject, String issuer,
      Instant notBefore, Instant notAfter) {
    try {
      var builder = new JcaX509v3CertificateBuilder(new X500Name(issuer), BigInteger.valueOf(notBefore.toEpochMilli()),
          Date.from(notBefore), Date.from(notAfter), new X500Name(subject), subjectKey.getPublic());
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      String algorithm = switch (issuerKey.getPublic().getAlgorithm()) {
        case "RSA" -> "SHA256withRSA";
        case "Ed25519", "EdDSA" -> "Ed25519";
        default -> "SHA256withECDSA";
      };
      var signer = new JcaContentSignerBuilder(algorithm).setProvider(TestKeys.BC).build(issuerKey.getPrivate());
      return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
    } catch (GeneralSecurityException | OperatorCreationException | java.io.IOException e) {
      throw new IllegalStateException("cannot build the test certificate", e);
    }
  }

  static String pem(X509Certificate c) {
    try {
      return TestCsr.pem("CERTIFICATE", c.getEncoded());
    } catch (java.security.cert.CertificateEncodingException e) {
      throw new IllegalStateException(e);
    }
  }

  Instant now() {
    return b.clock().instant();
  }

  void advance(Duration d) {
    b.clock().advance(d);
  }
}
