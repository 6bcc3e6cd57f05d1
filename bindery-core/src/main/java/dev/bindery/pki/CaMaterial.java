package dev.bindery.pki;

import dev.bindery.security.SecretSealer;
import java.io.IOException;
import java.io.StringReader;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * The persistent material of a trust domain's CA: a self-signed root and the issuing intermediate it signed,
 * with their private keys sealed under the master key ({@link SecretSealer}, associated data
 * {@value #INTERMEDIATE_KEY_AD} and {@value #ROOT_KEY_AD}). Nothing here is secret in the clear, so it can be
 * stored as is; the keys open only inside {@link BcCertificateAuthority}.
 *
 * @param root the self-signed trust anchor
 * @param intermediate the issuing CA, signed by {@code root}
 * @param sealedIntermediateKey the intermediate's PKCS#8 private key, sealed
 * @param sealedRootKey the root's PKCS#8 private key, sealed; {@code null} when the CA was imported without it
 * @param trustDomain the SPIFFE trust domain the CA issues for
 * @param createdAt when the material was generated or imported
 */
public record CaMaterial(X509Certificate root, X509Certificate intermediate, byte[] sealedIntermediateKey,
    byte[] sealedRootKey, TrustDomain trustDomain, Instant createdAt) {
  public static final String INTERMEDIATE_KEY_AD = "bindery-ca:intermediate";
  public static final String ROOT_KEY_AD = "bindery-ca:root";
  public static final Duration ROOT_LIFETIME = Duration.ofDays(3650);
  public static final Duration INTERMEDIATE_LIFETIME = Duration.ofDays(1825);
  /** CA certificates start a little in the past so that nodes whose clocks lag slightly accept them. */
  static final Duration BACKDATE = Duration.ofMinutes(5);

  public CaMaterial {
    Objects.requireNonNull(root, "root");
    Objects.requireNonNull(intermediate, "intermediate");
    Objects.requireNonNull(sealedIntermediateKey, "sealedIntermediateKey");
    Objects.requireNonNull(trustDomain, "trustDomain");
    Objects.requireNonNull(createdAt, "createdAt");
    sealedIntermediateKey = sealedIntermediateKey.clone();
    sealedRootKey = sealedRootKey == null ? null : sealedRootKey.clone();
  }

  @Override
  public byte[] sealedIntermediateKey() {
    return sealedIntermediateKey.clone();
  }

  @Override
  public byte[] sealedRootKey() {
    return sealedRootKey == null ? null : sealedRootKey.clone();
  }

  /** The issuing intermediate first, then the root. */
  public List<X509Certificate> chain() {
    return List.of(intermediate, root);
  }

  /**
   * Generates a new CA: an EC P-256 root valid {@link #ROOT_LIFETIME} (pathLen 1) and an EC P-256 intermediate
   * valid {@link #INTERMEDIATE_LIFETIME} (pathLen 0), both with critical basicConstraints and keyUsage
   * keyCertSign + cRLSign, SKI/AKI and the trust domain's SPIFFE id as URI SAN (SPIFFE X509-SVID section 3.2).
   */
  public static CaMaterial generate(TrustDomain trustDomain, Instant now, SecureRandom random, SecretSealer sealer) {
    Objects.requireNonNull(trustDomain, "trustDomain");
    Instant start = now.truncatedTo(ChronoUnit.SECONDS);
    try {
      KeyPair rootKey = CaKeys.generateP256(random);
      KeyPair intermediateKey = CaKeys.generateP256(random);
      X500Name rootName = caName("Bindery root CA", trustDomain, start);
      X500Name intermediateName = caName("Bindery issuing CA", trustDomain, start);
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();

      X509v3CertificateBuilder rb = new JcaX509v3CertificateBuilder(rootName, BcCertificateAuthority.randomSerial(random),
          Date.from(start.minus(BACKDATE)), Date.from(start.plus(ROOT_LIFETIME)), rootName, rootKey.getPublic());
      caExtensions(rb, 1, trustDomain)
          .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(rootKey.getPublic()))
          .addExtension(Extension.authorityKeyIdentifier, false,
              ext.createAuthorityKeyIdentifier(rootKey.getPublic()));
      X509Certificate root = sign(rb, rootKey.getPrivate());

      X509v3CertificateBuilder ib = new JcaX509v3CertificateBuilder(rootName, BcCertificateAuthority.randomSerial(random),
          Date.from(start.minus(BACKDATE)), Date.from(start.plus(INTERMEDIATE_LIFETIME)), intermediateName,
          intermediateKey.getPublic());
      caExtensions(ib, 0, trustDomain)
          .addExtension(Extension.subjectKeyIdentifier, false,
              ext.createSubjectKeyIdentifier(intermediateKey.getPublic()))
          .addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(root));
      X509Certificate intermediate = sign(ib, rootKey.getPrivate());

      return new CaMaterial(root, intermediate, CaKeys.seal(intermediateKey.getPrivate(), INTERMEDIATE_KEY_AD, sealer),
          CaKeys.seal(rootKey.getPrivate(), ROOT_KEY_AD, sealer), trustDomain, start);
    } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
      throw new IllegalStateException("cannot generate the CA", e);
    }
  }

  /**
   * Imports an existing CA from PEM: one root certificate, one intermediate certificate and the intermediate's
   * unencrypted private key (PKCS#8, SEC1 EC or PKCS#1 RSA). The root's key is not needed and not stored.
   *
   * @throws IllegalArgumentException naming what is wrong: a file that does not hold exactly one certificate or
   *     key, a root that is not a self-signed CA, an intermediate that is not a CA or not signed by the root, a
   *     certificate expired or not yet valid at {@code now}, a key that does not match the intermediate, or a key
   *     type the CA cannot sign with (EC P-256, EC P-384 and RSA of 2048 bits or more are accepted)
   */
  public static CaMaterial importPem(TrustDomain trustDomain, String rootCertPem, String intermediateCertPem,
      String intermediateKeyPem, Instant now, SecretSealer sealer) {
    Objects.requireNonNull(trustDomain, "trustDomain");
    X509Certificate root = single(rootCertPem, "root certificate");
    X509Certificate intermediate = single(intermediateCertPem, "intermediate certificate");
    PrivateKey key = privateKey(intermediateKeyPem);
    Date at = Date.from(now);
    try {
      if (Arrays.equals(root.getEncoded(), intermediate.getEncoded())) {
        throw new IllegalArgumentException("the intermediate certificate is the root certificate; import a root and "
            + "an intermediate it signed");
      }
    } catch (CertificateEncodingException e) {
      throw new IllegalArgumentException("a CA certificate cannot be encoded", e);
    }
    requireCa(root, "root certificate");
    requireCa(intermediate, "intermediate certificate");
    if (!root.getSubjectX500Principal().equals(root.getIssuerX500Principal()) || !signedBy(root, root.getPublicKey())) {
      throw new IllegalArgumentException("the root certificate is not self-signed");
    }
    if (!intermediate.getIssuerX500Principal().equals(root.getSubjectX500Principal())
        || !signedBy(intermediate, root.getPublicKey())) {
      throw new IllegalArgumentException("the intermediate certificate is not signed by the root certificate");
    }
    requireCurrent(root, "root certificate", at);
    requireCurrent(intermediate, "intermediate certificate", at);
    PublicKey intermediatePublic = intermediate.getPublicKey();
    CaKeys.signatureAlgorithm(intermediatePublic); // rejects key types the CA cannot sign with
    if (!CaKeys.matches(key, intermediatePublic)) {
      throw new IllegalArgumentException("the intermediate private key does not match the intermediate certificate");
    }
    return new CaMaterial(root, intermediate, CaKeys.seal(key, INTERMEDIATE_KEY_AD, sealer), null, trustDomain,
        now.truncatedTo(ChronoUnit.SECONDS));
  }

  private static X500Name caName(String commonName, TrustDomain trustDomain, Instant createdAt) {
    // the creation time keeps the names of successive CAs of one trust domain apart in trust stores
    return new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.O, "Bindery")
        .addRDN(BCStyle.OU, trustDomain.value())
        .addRDN(BCStyle.CN, commonName + " " + createdAt.getEpochSecond()).build();
  }

  private static X509v3CertificateBuilder caExtensions(X509v3CertificateBuilder b, int pathLen,
      TrustDomain trustDomain) throws IOException {
    return b.addExtension(Extension.basicConstraints, true, new BasicConstraints(pathLen))
        .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
        .addExtension(Extension.subjectAlternativeName, false,
            new GeneralNames(new GeneralName(GeneralName.uniformResourceIdentifier, trustDomain.spiffeId())));
  }

  private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey key)
      throws OperatorCreationException, GeneralSecurityException {
    return new JcaX509CertificateConverter().getCertificate(
        b.build(new JcaContentSignerBuilder("SHA256withECDSA").setProvider(Bc.PROVIDER).build(key)));
  }

  private static X509Certificate single(String pem, String what) {
    if (pem == null || pem.isBlank()) {
      throw new IllegalArgumentException("the " + what + " is empty");
    }
    List<X509Certificate> certificates;
    try {
      certificates = Pem.parseCertificates(pem);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("the " + what + " is not a pem certificate");
    }
    if (certificates.size() != 1) {
      throw new IllegalArgumentException("the " + what + " file must hold exactly one certificate, not "
          + certificates.size());
    }
    return certificates.get(0);
  }

  private static PrivateKey privateKey(String pem) {
    if (pem == null || pem.isBlank()) {
      throw new IllegalArgumentException("the intermediate private key is empty");
    }
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      Object o = parser.readObject();
      if (parser.readObject() != null) {
        throw new IllegalArgumentException("the intermediate private key file must hold exactly one pem key");
      }
      JcaPEMKeyConverter converter = new JcaPEMKeyConverter().setProvider(Bc.PROVIDER);
      if (o instanceof PEMKeyPair pair) {
        return converter.getPrivateKey(pair.getPrivateKeyInfo());
      }
      if (o instanceof PrivateKeyInfo info) {
        return converter.getPrivateKey(info);
      }
      if (o instanceof PEMEncryptedKeyPair || o instanceof PKCS8EncryptedPrivateKeyInfo) {
        throw new IllegalArgumentException("the intermediate private key is encrypted; provide it unencrypted "
            + "(PKCS#8, SEC1 or PKCS#1) in a file readable only by the server");
      }
      throw new IllegalArgumentException("the intermediate private key file does not hold a pem private key");
    } catch (IOException | RuntimeException e) {
      if (e instanceof IllegalArgumentException iae) {
        throw iae;
      }
      // never include the parser's message: it could quote key material
      throw new IllegalArgumentException("the intermediate private key file does not hold a valid pem private key");
    }
  }

  private static void requireCa(X509Certificate c, String what) {
    boolean[] usage = c.getKeyUsage();
    if (c.getBasicConstraints() < 0 || (usage != null && !usage[5])) {
      throw new IllegalArgumentException("the " + what + " is not a CA certificate (basicConstraints cA=true and "
          + "keyUsage keyCertSign are required)");
    }
  }

  private static void requireCurrent(X509Certificate c, String what, Date at) {
    if (at.before(c.getNotBefore())) {
      throw new IllegalArgumentException("the " + what + " is not valid before " + c.getNotBefore().toInstant());
    }
    if (at.after(c.getNotAfter())) {
      throw new IllegalArgumentException("the " + what + " expired at " + c.getNotAfter().toInstant());
    }
  }

  private static boolean signedBy(X509Certificate c, PublicKey issuerKey) {
    try {
      c.verify(issuerKey, Bc.PROVIDER);
      return true;
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CaMaterial m && root.equals(m.root) && intermediate.equals(m.intermediate)
        && Arrays.equals(sealedIntermediateKey, m.sealedIntermediateKey) && Arrays.equals(sealedRootKey, m.sealedRootKey)
        && trustDomain.equals(m.trustDomain) && createdAt.equals(m.createdAt);
  }

  @Override
  public int hashCode() {
    return Objects.hash(root, intermediate, trustDomain, createdAt);
  }

  @Override
  public String toString() {
    return "CaMaterial[trustDomain=" + trustDomain + ", root=" + root.getSubjectX500Principal() + ", intermediate="
        + intermediate.getSubjectX500Principal() + ", rootKeyHeld=" + (sealedRootKey != null) + ", createdAt="
        + createdAt + "]";
  }
}
