package dev.bindery.pki;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.x509.Extension;

/**
 * Checks an issued X.509-SVID independently of the code that built it, before anyone sees it: RFC 5280 path
 * validation by the JDK's PKIX implementation with the root as the only trust anchor, then the SPIFFE X509-SVID
 * leaf rules (sections 3.1, 4.1, 4.3, 4.4 and 5.2) and Bindery's own template: exactly the expected extensions,
 * exactly one name (the expected SPIFFE id), the requester's key, the expected serial and validity.
 */
final class SvidValidator {
  private static final Set<String> CRITICAL = Set.of(Extension.basicConstraints.getId(), Extension.keyUsage.getId(),
      Extension.subjectAlternativeName.getId());
  private static final Set<String> NON_CRITICAL = Set.of(Extension.extendedKeyUsage.getId(),
      Extension.subjectKeyIdentifier.getId(), Extension.authorityKeyIdentifier.getId(),
      Extension.cRLDistributionPoints.getId(), Extension.authorityInfoAccess.getId());
  private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
  private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
  private static final int URI_NAME = 6;

  private final X509Certificate intermediate;
  private final Set<TrustAnchor> anchors;

  SvidValidator(X509Certificate root, X509Certificate intermediate) {
    this.intermediate = intermediate;
    this.anchors = Set.of(new TrustAnchor(root, null));
  }

  /** @throws IllegalStateException naming the first rule the certificate breaks */
  void validate(X509Certificate leaf, String spiffeId, PublicKey key, BigInteger serial, Instant notBefore,
      Instant notAfter, Instant now) {
    checkPath(leaf, now);
    require(leaf.getVersion() == 3, "not an X.509 v3 certificate");
    require(leaf.getSerialNumber().equals(serial), "serial differs from the one drawn");
    require(leaf.getSerialNumber().signum() > 0 && leaf.getSerialNumber().bitLength() < 160,
        "serial is not a positive integer of at most 20 octets");
    require(leaf.getNotBefore().toInstant().equals(notBefore) && leaf.getNotAfter().toInstant().equals(notAfter),
        "validity differs from the template");
    require(!leaf.getNotAfter().after(intermediate.getNotAfter()), "outlives the issuing CA");
    require(Arrays.equals(leaf.getPublicKey().getEncoded(), key.getEncoded()), "public key is not the requester's");
    require(leaf.getSubjectX500Principal().getEncoded().length == 2, "subject is not empty"); // empty SEQUENCE
    require(CRITICAL.equals(leaf.getCriticalExtensionOIDs()), "critical extensions are not exactly basicConstraints, "
        + "keyUsage and subjectAltName");
    require(NON_CRITICAL.equals(leaf.getNonCriticalExtensionOIDs()), "non-critical extensions are not exactly EKU, "
        + "SKI, AKI, CRL distribution points and authority information access");
    require(leaf.getBasicConstraints() == -1, "basicConstraints does not say cA=false");
    boolean[] usage = leaf.getKeyUsage();
    require(usage != null && usage[0], "keyUsage lacks digitalSignature");
    for (int i = 1; i < usage.length; i++) {
      require(!usage[i], "keyUsage has a bit other than digitalSignature");
    }
    List<String> eku = extendedKeyUsage(leaf);
    require(eku.size() == 2 && eku.contains(SERVER_AUTH) && eku.contains(CLIENT_AUTH),
        "extended key usage is not exactly serverAuth and clientAuth");
    Collection<List<?>> names = subjectAlternativeNames(leaf);
    require(names.size() == 1, "does not carry exactly one subject alternative name");
    List<?> name = names.iterator().next();
    require(Integer.valueOf(URI_NAME).equals(name.get(0)) && spiffeId.equals(name.get(1)),
        "subject alternative name is not the URI " + spiffeId);
  }

  private void checkPath(X509Certificate leaf, Instant now) {
    try {
      var path = CertificateFactory.getInstance("X.509").generateCertPath(List.of(leaf, intermediate));
      PKIXParameters params = new PKIXParameters(anchors);
      params.setRevocationEnabled(false); // a certificate being issued cannot be revoked yet
      params.setDate(Date.from(now));
      CertPathValidator.getInstance("PKIX").validate(path, params);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("issued certificate failed validation: path validation: " + e.getMessage(), e);
    }
  }

  private static List<String> extendedKeyUsage(X509Certificate leaf) {
    try {
      List<String> eku = leaf.getExtendedKeyUsage();
      return eku == null ? List.of() : eku;
    } catch (CertificateParsingException e) {
      throw new IllegalStateException("issued certificate failed validation: extended key usage does not parse", e);
    }
  }

  private static Collection<List<?>> subjectAlternativeNames(X509Certificate leaf) {
    try {
      Collection<List<?>> names = leaf.getSubjectAlternativeNames();
      return names == null ? List.of() : names;
    } catch (CertificateParsingException e) {
      throw new IllegalStateException("issued certificate failed validation: subjectAltName does not parse", e);
    }
  }

  private static void require(boolean condition, String failure) {
    if (!condition) {
      throw new IllegalStateException("issued certificate failed validation: " + failure);
    }
  }
}
