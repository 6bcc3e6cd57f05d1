package dev.bindery.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bindery.identity.IdentityId;
import dev.bindery.security.SecretSealer;
import dev.bindery.testkit.MutableClock;
import dev.bindery.testkit.pki.TestCa;
import dev.bindery.testkit.pki.TestCsr;
import dev.bindery.testkit.pki.TestKeys;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.io.pem.PemObject;
import org.junit.jupiter.api.Test;

class CaMaterialTest {
  private static final Instant NOW = MutableClock.DEFAULT_START;
  private static final TrustDomain TD = new TrustDomain("example.org");
  private final SecretSealer sealer = TestCa.sealer();
  private final CaMaterial generated = CaMaterial.generate(TD, NOW, new SecureRandom(), sealer);

  @Test
  void generate_rootAndIntermediate_haveCaProfile() throws Exception {
    X509CertificateHolder root = new JcaX509CertificateHolder(generated.root());
    X509CertificateHolder intermediate = new JcaX509CertificateHolder(generated.intermediate());

    assertThat(root.getSubject()).isEqualTo(root.getIssuer());
    generated.root().verify(generated.root().getPublicKey());
    generated.intermediate().verify(generated.root().getPublicKey());
    assertThat(intermediate.getIssuer()).isEqualTo(root.getSubject());
    assertThat(generated.root().getPublicKey().getAlgorithm()).isIn("EC", "ECDSA");
    assertThat(generated.root().getSigAlgName()).isEqualTo("SHA256withECDSA");

    assertCa(root, 1);
    assertCa(intermediate, 0);
    assertThat(root.getNotBefore().toInstant()).isEqualTo(NOW.minus(Duration.ofMinutes(5)));
    assertThat(root.getNotAfter().toInstant()).isEqualTo(NOW.plus(Duration.ofDays(3650)));
    assertThat(intermediate.getNotAfter().toInstant()).isEqualTo(NOW.plus(Duration.ofDays(1825)));
    byte[] rootSki = SubjectKeyIdentifier.getInstance(root.getExtension(Extension.subjectKeyIdentifier)
        .getParsedValue()).getKeyIdentifier();
    assertThat(AuthorityKeyIdentifier.getInstance(intermediate.getExtension(Extension.authorityKeyIdentifier)
        .getParsedValue()).getKeyIdentifierObject().getOctets()).isEqualTo(rootSki);
    assertThat(generated.intermediate().getSubjectAlternativeNames()).containsExactly(List.of(6, "spiffe://example.org"));
    assertThat(generated.root().getSubjectAlternativeNames()).containsExactly(List.of(6, "spiffe://example.org"));
    assertThat(generated.trustDomain()).isEqualTo(TD);
    assertThat(generated.createdAt()).isEqualTo(NOW);
    assertThat(generated.chain()).containsExactly(generated.intermediate(), generated.root());
  }

  private static void assertCa(X509CertificateHolder c, int pathLen) {
    Extension bc = c.getExtension(Extension.basicConstraints);
    assertThat(bc.isCritical()).isTrue();
    assertThat(BasicConstraints.getInstance(bc.getParsedValue()).isCA()).isTrue();
    assertThat(BasicConstraints.getInstance(bc.getParsedValue()).getPathLenConstraint().intValueExact())
        .isEqualTo(pathLen);
    Extension ku = c.getExtension(Extension.keyUsage);
    assertThat(ku.isCritical()).isTrue();
    assertThat(KeyUsage.getInstance(ku.getParsedValue()))
        .isEqualTo(new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
    assertThat(c.getExtension(Extension.subjectKeyIdentifier)).isNotNull();
  }

  @Test
  void generate_keys_sealedAndBoundToTheirRole() {
    PrivateKey root = CaKeys.open(generated.sealedRootKey(), CaMaterial.ROOT_KEY_AD, generated.root().getPublicKey(),
        sealer);
    PrivateKey intermediate = CaKeys.open(generated.sealedIntermediateKey(), CaMaterial.INTERMEDIATE_KEY_AD,
        generated.intermediate().getPublicKey(), sealer);
    assertThat(CaKeys.matches(root, generated.root().getPublicKey())).isTrue();
    assertThat(CaKeys.matches(intermediate, generated.intermediate().getPublicKey())).isTrue();
    // the sealed root key does not open as the intermediate key (associated data differs)
    assertThatThrownBy(() -> sealer.open(generated.sealedRootKey(),
        CaMaterial.INTERMEDIATE_KEY_AD.getBytes(StandardCharsets.US_ASCII))).isInstanceOf(IllegalStateException.class);
    assertThat(new String(generated.sealedIntermediateKey(), StandardCharsets.ISO_8859_1)).doesNotContain("BEGIN");
  }

  @Test
  void material_arraysAreCopiedAndEqualityIsByValue() {
    byte[] sealed = generated.sealedIntermediateKey();
    sealed[0] ^= 1;
    assertThat(generated.sealedIntermediateKey()).isNotEqualTo(sealed);
    CaMaterial copy = new CaMaterial(generated.root(), generated.intermediate(), generated.sealedIntermediateKey(),
        generated.sealedRootKey(), TD, NOW);
    assertThat(copy).isEqualTo(generated).hasSameHashCodeAs(generated);
  }

  private String keyPem(PrivateKey key) throws Exception {
    return TestCsr.pem("PRIVATE KEY", key.getEncoded());
  }

  private PrivateKey intermediateKey(CaMaterial m) {
    return CaKeys.open(m.sealedIntermediateKey(), CaMaterial.INTERMEDIATE_KEY_AD, m.intermediate().getPublicKey(),
        sealer);
  }

  @Test
  void importPem_validCa_importsWithoutRootKeyAndIssues() throws Exception {
    CaMaterial imported = CaMaterial.importPem(TD, Pem.certificate(generated.root()),
        Pem.certificate(generated.intermediate()), keyPem(intermediateKey(generated)), NOW.plusSeconds(10), sealer);

    assertThat(imported.root()).isEqualTo(generated.root());
    assertThat(imported.intermediate()).isEqualTo(generated.intermediate());
    assertThat(imported.sealedRootKey()).isNull();
    assertThat(imported.createdAt()).isEqualTo(NOW.plusSeconds(10));
    BcCertificateAuthority ca = new BcCertificateAuthority(imported, sealer, TestCa.BASE_URL);
    IssuedCertificate issued = ca.issue(Csrs.verify(TestCsr.ecP256Pem()),
        IdentityId.parse("nhi_aaaaaaaaaaaaaaaaaaaaaaaaaa"), Duration.ofHours(1), NOW.plusSeconds(10));
    assertThat(issued.certificate().getSubjectAlternativeNames())
        .containsExactly(List.of(6, "spiffe://example.org/nhi/nhi_aaaaaaaaaaaaaaaaaaaaaaaaaa"));
  }

  @Test
  void importPem_sec1EcKey_accepted() throws Exception {
    var w = new java.io.StringWriter();
    try (var pw = new org.bouncycastle.openssl.jcajce.JcaPEMWriter(w)) {
      pw.writeObject(intermediateKey(generated)); // "EC PRIVATE KEY" (SEC1)
    }
    assertThat(w.toString()).contains("BEGIN EC PRIVATE KEY");
    CaMaterial imported = CaMaterial.importPem(TD, Pem.certificate(generated.root()),
        Pem.certificate(generated.intermediate()), w.toString(), NOW, sealer);
    assertThat(imported.intermediate()).isEqualTo(generated.intermediate());
  }

  private void assertImportRefused(String root, String intermediate, String key, Instant at, String message) {
    assertThatThrownBy(() -> CaMaterial.importPem(TD, root, intermediate, key, at, sealer))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message);
  }

  @Test
  void importPem_eachBrokenInput_refusedNamingTheProblem() throws Exception {
    String root = Pem.certificate(generated.root());
    String intermediate = Pem.certificate(generated.intermediate());
    String key = keyPem(intermediateKey(generated));
    CaMaterial other = CaMaterial.generate(TD, NOW, new SecureRandom(), sealer);

    assertImportRefused("", intermediate, key, NOW, "root certificate is empty");
    assertImportRefused("garbage", intermediate, key, NOW, "root certificate is not a pem certificate");
    assertImportRefused(root + root, intermediate, key, NOW, "exactly one certificate, not 2");
    assertImportRefused(root, root, key, NOW, "the intermediate certificate is the root certificate");
    assertImportRefused(root, intermediate.substring(0, 200), key, NOW, "intermediate certificate is not a pem");
    assertImportRefused(intermediate, Pem.certificate(other.intermediate()), key, NOW, "root certificate is not self-signed");
    assertImportRefused(Pem.certificate(other.root()), intermediate, key, NOW, "not signed by the root certificate");
    assertImportRefused(root, intermediate, keyPem(intermediateKey(other)), NOW, "private key does not match");
    assertImportRefused(root, intermediate, "", NOW, "private key is empty");
    assertImportRefused(root, intermediate, "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", NOW,
        "does not hold a valid pem private key");
    assertImportRefused(root, intermediate, key + key, NOW, "exactly one pem key");
    assertImportRefused(root, intermediate, intermediate, NOW, "does not hold a pem private key");
    assertImportRefused(root, intermediate, key, NOW.minus(Duration.ofHours(1)), "is not valid before");
    assertImportRefused(root, intermediate, key, NOW.plus(Duration.ofDays(1826)), "intermediate certificate expired");

    var encrypted = new JcaPKCS8Generator(intermediateKey(generated),
        new JceOpenSSLPKCS8EncryptorBuilder(JcaPKCS8Generator.PBE_SHA1_3DES).setPassword("pw".toCharArray())
            .setProvider(TestKeys.BC).build()).generate();
    assertImportRefused(root, intermediate, pem(encrypted), NOW, "is encrypted");
  }

  private static String pem(PemObject o) throws Exception {
    var w = new java.io.StringWriter();
    try (var pw = new org.bouncycastle.util.io.pem.PemWriter(w)) {
      pw.writeObject(o);
    }
    return w.toString();
  }

  /** A certificate for {@code key} signed by the generated root, with the extensions {@code extensions} adds. */
  private X509Certificate signedByRoot(String cn, KeyPair key, Extender extensions) throws Exception {
    PrivateKey rootKey = CaKeys.open(generated.sealedRootKey(), CaMaterial.ROOT_KEY_AD, generated.root().getPublicKey(),
        sealer);
    var builder = new JcaX509v3CertificateBuilder(generated.root(), java.math.BigInteger.TEN,
        Date.from(NOW.minusSeconds(60)), Date.from(NOW.plus(Duration.ofDays(1))), new X500Name("CN=" + cn),
        key.getPublic());
    extensions.add(builder);
    return sign(builder, rootKey);
  }

  private interface Extender {
    void add(org.bouncycastle.cert.X509v3CertificateBuilder b) throws Exception;
  }

  @Test
  void importPem_intermediateNotCa_refused() throws Exception {
    KeyPair leafKey = TestKeys.ecP256();
    X509Certificate notCa = signedByRoot("not a ca", leafKey,
        b -> b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false)));

    assertImportRefused(Pem.certificate(generated.root()), Pem.certificate(notCa), keyPem(leafKey.getPrivate()), NOW,
        "intermediate certificate is not a CA certificate");
  }

  @Test
  void importPem_ed25519Intermediate_refusedAsUnsignable() throws Exception {
    KeyPair edKey = TestKeys.ed25519();
    X509Certificate edCa = signedByRoot("ed ca", edKey, b -> b
        .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
        .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign))
        .addExtension(Extension.subjectKeyIdentifier, false,
            new JcaX509ExtensionUtils().createSubjectKeyIdentifier(edKey.getPublic())));

    assertImportRefused(Pem.certificate(generated.root()), Pem.certificate(edCa), keyPem(edKey.getPrivate()), NOW,
        "a CA key must be EC P-256, EC P-384 or RSA");
  }

  private static X509Certificate sign(org.bouncycastle.cert.X509v3CertificateBuilder b, PrivateKey key) throws Exception {
    return new JcaX509CertificateConverter().getCertificate(
        b.build(new JcaContentSignerBuilder("SHA256withECDSA").setProvider(TestKeys.BC).build(key)));
  }

  @Test
  void trustDomain_invalidNames_refused() {
    for (String bad : new String[] {"", "Bindery.Test", "spiffe://x", "x/y", "x:8443", "a b", "é", "x".repeat(256)}) {
      assertThatThrownBy(() -> new TrustDomain(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("not a SPIFFE trust domain");
    }
    assertThat(new TrustDomain("prod_eu-1.example.com").spiffeId()).isEqualTo("spiffe://prod_eu-1.example.com");
  }
}
