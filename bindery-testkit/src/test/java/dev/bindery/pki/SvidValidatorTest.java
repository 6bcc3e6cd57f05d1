package dev.bindery.pki;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bindery.testkit.MutableClock;
import dev.bindery.testkit.pki.TestCa;
import dev.bindery.testkit.pki.TestKeys;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.function.Consumer;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AccessDescription;
import org.bouncycastle.asn1.x509.AuthorityInformationAccess;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLDistPoint;
import org.bouncycastle.asn1.x509.DistributionPoint;
import org.bouncycastle.asn1.x509.DistributionPointName;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.bc.BcX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;

/**
 * The independent check after signing: a pipeline that produced a wrong certificate (simulated here by forging
 * certificates with the real intermediate key) must never hand it out.
 */
class SvidValidatorTest {
  private static final Instant NOW = MutableClock.DEFAULT_START;
  private static final String SPIFFE_ID = "spiffe://bindery.test/nhi/nhi_aaaaaaaaaaaaaaaaaaaaaaaaaa";
  private final TestCa pki = TestCa.create(NOW.minus(Duration.ofDays(1)));
  private final X509Certificate intermediate = pki.material().intermediate();
  private final PrivateKey intermediateKey = CaKeys.open(pki.material().sealedIntermediateKey(),
      CaMaterial.INTERMEDIATE_KEY_AD, intermediate.getPublicKey(), TestCa.sealer());
  private final SvidValidator validator = new SvidValidator(pki.material().root(), intermediate);
  private final KeyPair leafKey = TestKeys.ecP256();

  /** What the template would build; each test changes one thing. */
  private final class Forgery {
    X500Name subject = new X500Name(new RDN[0]);
    BigInteger serial = BigInteger.valueOf(0x1234567);
    Instant notBefore = NOW;
    Instant notAfter = NOW.plus(Duration.ofHours(24));
    SubjectPublicKeyInfo key = SubjectPublicKeyInfo.getInstance(leafKey.getPublic().getEncoded());
    BasicConstraints basicConstraints = new BasicConstraints(false);
    int keyUsage = KeyUsage.digitalSignature;
    KeyPurposeId[] eku = {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth};
    List<GeneralName> names = new ArrayList<>(List.of(new GeneralName(GeneralName.uniformResourceIdentifier,
        SPIFFE_ID)));
    boolean sanCritical = true;
    boolean ekuCritical;
    X509Certificate issuer = intermediate;
    PrivateKey issuerKey = intermediateKey;
    boolean extraExtension;

    X509Certificate build() throws Exception {
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder b = new X509v3CertificateBuilder(
          new JcaX509CertificateHolder(issuer).getSubject(), serial, Date.from(notBefore), Date.from(notAfter),
          subject, key)
          .addExtension(Extension.basicConstraints, true, basicConstraints)
          .addExtension(Extension.keyUsage, true, new KeyUsage(keyUsage))
          .addExtension(Extension.extendedKeyUsage, ekuCritical, new ExtendedKeyUsage(eku))
          .addExtension(Extension.subjectAlternativeName, sanCritical,
              new GeneralNames(names.toArray(GeneralName[]::new)))
          .addExtension(Extension.subjectKeyIdentifier, false, new BcX509ExtensionUtils().createSubjectKeyIdentifier(key))
          .addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(issuer))
          .addExtension(Extension.cRLDistributionPoints, false, new CRLDistPoint(new DistributionPoint[] {
              new DistributionPoint(new DistributionPointName(new GeneralNames(
                  new GeneralName(GeneralName.uniformResourceIdentifier, "https://x/pki/crl"))), null, null)}))
          .addExtension(Extension.authorityInfoAccess, false, new AuthorityInformationAccess(
              new AccessDescription(AccessDescription.id_ad_ocsp,
                  new GeneralName(GeneralName.uniformResourceIdentifier, "https://x/pki/ocsp"))));
      if (extraExtension) {
        b.addExtension(Extension.privateKeyUsagePeriod, false, new org.bouncycastle.asn1.DERSequence());
      }
      return new JcaX509CertificateConverter().getCertificate(
          b.build(new JcaContentSignerBuilder("SHA256withECDSA").setProvider(TestKeys.BC).build(issuerKey)));
    }

    void validate() throws Exception {
      validator.validate(build(), SPIFFE_ID, leafKey.getPublic(), BigInteger.valueOf(0x1234567), NOW,
          NOW.plus(Duration.ofHours(24)), NOW);
    }
  }

  private void assertFails(Consumer<Forgery> change, String message) {
    Forgery f = new Forgery();
    change.accept(f);
    assertThatThrownBy(f::validate).isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("issued certificate failed validation").hasMessageContaining(message);
  }

  @Test
  void validate_templateCertificate_passes() {
    assertThatCode(() -> new Forgery().validate()).doesNotThrowAnyException();
  }

  @Test
  void validate_otherSpiffeId_fails() {
    assertFails(f -> f.names.set(0, new GeneralName(GeneralName.uniformResourceIdentifier,
        "spiffe://bindery.test/nhi/nhi_bbbbbbbbbbbbbbbbbbbbbbbbbb")), "subject alternative name is not the URI");
  }

  @Test
  void validate_spiffeIdAsDnsName_fails() {
    assertFails(f -> f.names.set(0, new GeneralName(GeneralName.dNSName, "bindery.test")),
        "subject alternative name is not the URI");
  }

  @Test
  void validate_secondName_fails() {
    assertFails(f -> f.names.add(new GeneralName(GeneralName.dNSName, "db.internal")), "exactly one subject");
  }

  @Test
  void validate_caTrue_fails() {
    assertFails(f -> f.basicConstraints = new BasicConstraints(true), "cA=false");
  }

  @Test
  void validate_keyCertSignBit_fails() {
    assertFails(f -> f.keyUsage = KeyUsage.digitalSignature | KeyUsage.keyCertSign, "keyUsage has a bit other");
  }

  @Test
  void validate_noDigitalSignature_fails() {
    assertFails(f -> f.keyUsage = KeyUsage.keyEncipherment, "lacks digitalSignature");
  }

  @Test
  void validate_ekuWithoutServerAuth_fails() {
    assertFails(f -> f.eku = new KeyPurposeId[] {KeyPurposeId.id_kp_clientAuth}, "extended key usage");
  }

  @Test
  void build_nonCriticalSanWithEmptySubject_jdkParserRefusesSoIssueCannotReturnIt() {
    Forgery f = new Forgery();
    f.sanCritical = false;
    assertThatThrownBy(f::build).isInstanceOf(java.security.cert.CertificateException.class)
        .hasMessageContaining("SubjectAlternativeName extension MUST be marked critical");
  }

  @Test
  void validate_criticalEku_fails() {
    assertFails(f -> f.ekuCritical = true, "critical extensions are not exactly");
  }

  @Test
  void validate_extraExtension_fails() {
    assertFails(f -> f.extraExtension = true, "non-critical extensions are not exactly");
  }

  @Test
  void validate_subjectSet_fails() {
    assertFails(f -> f.subject = new X500Name("CN=admin"), "subject is not empty");
  }

  @Test
  void validate_otherPublicKey_fails() {
    assertFails(f -> f.key = SubjectPublicKeyInfo.getInstance(TestKeys.ecP256().getPublic().getEncoded()),
        "public key is not the requester's");
  }

  @Test
  void validate_otherSerial_fails() {
    assertFails(f -> f.serial = BigInteger.valueOf(0x7654321), "serial differs");
  }

  @Test
  void validate_otherValidity_fails() {
    assertFails(f -> f.notAfter = NOW.plus(Duration.ofDays(365)), "validity differs");
  }

  @Test
  void validate_alreadyExpired_failsPathValidation() {
    assertFails(f -> {
      f.notBefore = NOW.minus(Duration.ofHours(2));
      f.notAfter = NOW.minus(Duration.ofHours(1));
    }, "path validation");
  }

  @Test
  void validate_signedByAnotherCasIntermediate_failsPathValidation() {
    TestCa other = TestCa.create(NOW.minus(Duration.ofDays(1)));
    PrivateKey otherKey = CaKeys.open(other.material().sealedIntermediateKey(), CaMaterial.INTERMEDIATE_KEY_AD,
        other.material().intermediate().getPublicKey(), TestCa.sealer());
    assertFails(f -> {
      f.issuer = other.material().intermediate();
      f.issuerKey = otherKey;
    }, "path validation");
  }

  @Test
  void validate_sameIssuerNameWrongKey_failsPathValidation() {
    assertFails(f -> f.issuerKey = TestKeys.ecP256().getPrivate(), "path validation");
  }
}
