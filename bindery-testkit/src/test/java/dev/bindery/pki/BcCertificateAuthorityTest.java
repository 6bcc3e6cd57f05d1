package dev.bindery.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bindery.common.Hashing;
import dev.bindery.identity.IdentityId;
import dev.bindery.security.SecretSealer;
import dev.bindery.testkit.MutableClock;
import dev.bindery.testkit.pki.TestCa;
import dev.bindery.testkit.pki.TestCsr;
import dev.bindery.testkit.pki.TestKeys;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.math.BigInteger;
import java.net.URI;
import java.security.Key;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.bouncycastle.asn1.x509.AccessDescription;
import org.bouncycastle.asn1.x509.AuthorityInformationAccess;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLDistPoint;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class BcCertificateAuthorityTest {
  private static final Instant NOW = MutableClock.DEFAULT_START;
  private static final IdentityId ID = IdentityId.parse("nhi_aaaaaaaaaaaaaaaaaaaaaaaaaa");
  private static final String SPIFFE_ID = "spiffe://bindery.test/nhi/nhi_aaaaaaaaaaaaaaaaaaaaaaaaaa";
  private final TestCa pki = TestCa.create(NOW.minus(Duration.ofDays(1)));
  private final BcCertificateAuthority ca = pki.ca();

  static Stream<Arguments> acceptedKeys() {
    return TestKeys.accepted().entrySet().stream().map(e -> Arguments.of(e.getKey(), e.getValue()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("acceptedKeys")
  void issue_acceptedKeyType_issuesSvidWithExactTemplate(String label, Supplier<KeyPair> keys) throws Exception {
    KeyPair key = keys.get();
    VerifiedCsr csr = Csrs.verify(TestCsr.forKey(key).pem());

    IssuedCertificate issued = ca.issue(csr, ID, Duration.ofHours(24), NOW.plusNanos(123_456_789));

    X509Certificate cert = issued.certificate();
    X509CertificateHolder h = new JcaX509CertificateHolder(cert);
    X509CertificateHolder issuer = new JcaX509CertificateHolder(ca.intermediate());
    assertThat(h.isSignatureValid(new JcaContentVerifierProviderBuilder().setProvider(TestKeys.BC)
        .build(ca.intermediate().getPublicKey()))).isTrue();
    assertThat(h.getSignatureAlgorithm().getAlgorithm()).isEqualTo(X9ObjectIdentifiers.ecdsa_with_SHA256);
    assertThat(h.getIssuer()).isEqualTo(issuer.getSubject());
    assertThat(h.getSubject().getRDNs()).isEmpty();
    assertThat(h.getSubjectPublicKeyInfo().getEncoded()).isEqualTo(key.getPublic().getEncoded());
    assertThat(h.getSerialNumber()).isEqualTo(issued.serial());
    assertThat(h.getNotBefore().toInstant()).isEqualTo(Instant.parse("2026-11-23T10:00:00Z")).isEqualTo(issued.notBefore());
    assertThat(h.getNotAfter().toInstant()).isEqualTo(Instant.parse("2026-11-24T10:00:00Z")).isEqualTo(issued.notAfter());
    assertThat(issued.thumbprint()).isEqualTo(
        Base64.getUrlEncoder().withoutPadding().encodeToString(Hashing.sha256(cert.getEncoded())));

    Extension san = h.getExtension(Extension.subjectAlternativeName);
    assertThat(san.isCritical()).isTrue();
    GeneralName[] names = GeneralNames.getInstance(san.getParsedValue()).getNames();
    assertThat(names).hasSize(1);
    assertThat(names[0].getTagNo()).isEqualTo(GeneralName.uniformResourceIdentifier);
    assertThat(names[0].getName().toString()).isEqualTo(SPIFFE_ID).isEqualTo(ca.spiffeId(ID));

    Extension bc = h.getExtension(Extension.basicConstraints);
    assertThat(bc.isCritical()).isTrue();
    assertThat(BasicConstraints.getInstance(bc.getParsedValue()).isCA()).isFalse();

    Extension ku = h.getExtension(Extension.keyUsage);
    assertThat(ku.isCritical()).isTrue();
    assertThat(KeyUsage.getInstance(ku.getParsedValue())).isEqualTo(new KeyUsage(KeyUsage.digitalSignature));

    Extension eku = h.getExtension(Extension.extendedKeyUsage);
    assertThat(eku.isCritical()).isFalse();
    assertThat(ExtendedKeyUsage.getInstance(eku.getParsedValue()).getUsages())
        .containsExactlyInAnyOrder(KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth);

    byte[] keyBits = h.getSubjectPublicKeyInfo().getPublicKeyData().getBytes();
    assertThat(SubjectKeyIdentifier.getInstance(h.getExtension(Extension.subjectKeyIdentifier).getParsedValue())
        .getKeyIdentifier()).isEqualTo(java.security.MessageDigest.getInstance("SHA-1").digest(keyBits));
    byte[] intermediateSki = SubjectKeyIdentifier.getInstance(
        issuer.getExtension(Extension.subjectKeyIdentifier).getParsedValue()).getKeyIdentifier();
    assertThat(AuthorityKeyIdentifier.getInstance(h.getExtension(Extension.authorityKeyIdentifier).getParsedValue())
        .getKeyIdentifierObject().getOctets()).isEqualTo(intermediateSki);

    CRLDistPoint dp = CRLDistPoint.getInstance(h.getExtension(Extension.cRLDistributionPoints).getParsedValue());
    assertThat(dp.getDistributionPoints()).hasSize(1);
    GeneralName crl = GeneralNames.getInstance(dp.getDistributionPoints()[0].getDistributionPoint().getName())
        .getNames()[0];
    assertThat(crl.getName().toString()).isEqualTo("https://bindery.test:8443/pki/crl");
    AccessDescription[] aia = AuthorityInformationAccess.getInstance(
        h.getExtension(Extension.authorityInfoAccess).getParsedValue()).getAccessDescriptions();
    assertThat(aia).hasSize(1);
    assertThat(aia[0].getAccessMethod()).isEqualTo(AccessDescription.id_ad_ocsp);
    assertThat(aia[0].getAccessLocation().getName().toString()).isEqualTo("https://bindery.test:8443/pki/ocsp");

    assertThat(h.getExtensionOIDs()).hasSize(8);
  }

  @Test
  void issue_manyCertificates_serialsPositiveAtMost20OctetsAndUnique() {
    VerifiedCsr csr = Csrs.verify(TestCsr.ecP256Pem());
    Set<BigInteger> serials = new HashSet<>();
    int highBitSet = 0;
    for (int i = 0; i < 400; i++) {
      BigInteger serial = ca.issue(csr, ID, Duration.ofHours(1), NOW).serial();
      assertThat(serial.signum()).isPositive();
      assertThat(serial.toByteArray().length).isLessThanOrEqualTo(20);
      assertThat(serials.add(serial)).as("serial %s repeated", serial).isTrue();
      highBitSet += serial.bitLength() > 150 ? 1 : 0;
    }
    // 159 random bits: almost every serial is longer than 150 bits, so they are not small or sequential
    assertThat(highBitSet).isGreaterThan(390);
  }

  @Test
  void randomSerial_randomSourceYieldsZero_drawsAgain() {
    SecureRandom zerosThenOnes = new SecureRandom() {
      private int calls;

      @Override
      public void nextBytes(byte[] bytes) {
        Arrays.fill(bytes, calls++ < 3 ? (byte) 0 : (byte) 0xff);
      }
    };
    BigInteger serial = BcCertificateAuthority.randomSerial(zerosThenOnes);
    assertThat(serial).isEqualTo(BigInteger.ONE.shiftLeft(159).subtract(BigInteger.ONE));
    assertThat(serial.toByteArray()).hasSize(20);
  }

  @Test
  void issue_csrAsksForSubjectAndOwnName_certificateCarriesOnlyTheSpiffeId() throws Exception {
    String pem = TestCsr.forKey(TestKeys.ecP256()).subject("CN=admin,O=Root Corp").requestUri(SPIFFE_ID)
        .requestBasicConstraints(false).pem();

    IssuedCertificate issued = ca.issue(Csrs.verify(pem, SPIFFE_ID), ID, Duration.ofHours(1), NOW);

    assertThat(issued.certificate().getSubjectX500Principal().getName()).isEmpty();
    assertThat(issued.certificate().getSubjectAlternativeNames()).containsExactly(java.util.List.of(6, SPIFFE_ID));
  }

  @Test
  void issue_validityBeyondIntermediate_cutAtIntermediateNotAfter() {
    Instant caEnd = ca.intermediate().getNotAfter().toInstant();
    Instant late = caEnd.minus(Duration.ofHours(2));

    IssuedCertificate issued = ca.issue(Csrs.verify(TestCsr.ecP256Pem()), ID, Duration.ofHours(24), late);

    assertThat(issued.notAfter()).isEqualTo(caEnd);
    assertThat(issued.certificate().getNotAfter().toInstant()).isEqualTo(caEnd);
  }

  @Test
  void issue_outsideIntermediateValidity_refusedWithIllegalState() {
    VerifiedCsr csr = Csrs.verify(TestCsr.ecP256Pem());
    Instant before = ca.intermediate().getNotBefore().toInstant().minusSeconds(1);
    Instant after = ca.intermediate().getNotAfter().toInstant();

    assertThatThrownBy(() -> ca.issue(csr, ID, Duration.ofHours(1), before)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("not valid at");
    assertThatThrownBy(() -> ca.issue(csr, ID, Duration.ofHours(1), after)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("not valid at");
  }

  @Test
  void issue_validityUnderOneSecond_refused() {
    VerifiedCsr csr = Csrs.verify(TestCsr.ecP256Pem());
    assertThatThrownBy(() -> ca.issue(csr, ID, Duration.ZERO, NOW)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ca.issue(csr, ID, Duration.ofMillis(999), NOW))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ca.issue(csr, ID, Duration.ofHours(-1), NOW)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void chainAndRoot_areIntermediateThenRoot() {
    assertThat(ca.chain()).containsExactly(pki.material().intermediate(), pki.material().root());
    assertThat(ca.root()).isEqualTo(pki.material().root());
    assertThat(ca.trustDomain()).isEqualTo("bindery.test");
  }

  @Test
  void constructor_otherMasterKey_refusesToOpenTheKey() {
    byte[] other = new byte[32];
    Arrays.fill(other, (byte) 7);
    SecretSealer wrong = new SecretSealer(other, new SecureRandom());

    assertThatThrownBy(() -> new BcCertificateAuthority(pki.material(), wrong, TestCa.BASE_URL))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("does not open");
  }

  @Test
  void constructor_keyOfAnotherCa_refused() {
    CaMaterial other = TestCa.create(NOW).material();
    CaMaterial swapped = new CaMaterial(pki.material().root(), pki.material().intermediate(),
        other.sealedIntermediateKey(), null, TestCa.TRUST_DOMAIN, NOW);

    assertThatThrownBy(() -> new BcCertificateAuthority(swapped, TestCa.sealer(), TestCa.BASE_URL))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("does not match");
  }

  @Test
  void constructor_badBaseUrl_refused() {
    for (String url : new String[] {"ftp://bindery.test", "https://bindery.test/?a=b", "https://bindery.test/#x",
        "/relative", "https://user@bindery.test", "mailto:ops@bindery.test"}) {
      assertThatThrownBy(() -> new BcCertificateAuthority(pki.material(), TestCa.sealer(), URI.create(url)))
          .as(url).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("public base URL");
    }
  }

  @Test
  void constructor_baseUrlWithPathAndSlash_urlsJoinCleanly() {
    var withPath = new BcCertificateAuthority(pki.material(), TestCa.sealer(), URI.create("http://127.0.0.1:8080/id/"));
    assertThat(withPath.crlUrl()).isEqualTo("http://127.0.0.1:8080/id/pki/crl");
    assertThat(withPath.ocspUrl()).isEqualTo("http://127.0.0.1:8080/id/pki/ocsp");
  }

  @Test
  void privateKey_neverExposedByAPublicMethodOrToString() {
    for (Method m : BcCertificateAuthority.class.getMethods()) {
      assertThat(Key.class.isAssignableFrom(m.getReturnType())).as(m.toString()).isFalse();
      if (m.getReturnType() == byte[].class) {
        assertThat(m.getName()).as(m.toString()).isIn("crl", "ocsp");
      }
    }
    assertThat(Arrays.stream(BcCertificateAuthority.class.getDeclaredFields())
        .filter(f -> Key.class.isAssignableFrom(f.getType()))
        .allMatch(f -> Modifier.isPrivate(f.getModifiers()) && Modifier.isFinal(f.getModifiers()))).isTrue();
    assertThat(ca.toString()).contains("bindery.test").doesNotContain("PrivateKey", "BEGIN", "sealed");
    assertThat(pki.material().toString()).doesNotContain(Base64.getEncoder().encodeToString(
        pki.material().sealedIntermediateKey()).substring(0, 16));
  }
}
