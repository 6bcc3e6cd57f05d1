package dev.bindery.pki;

import dev.bindery.common.Hashing;
import dev.bindery.identity.IdentityId;
import dev.bindery.security.SecretSealer;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import org.bouncycastle.asn1.ASN1GeneralizedTime;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ocsp.OCSPObjectIdentifiers;
import org.bouncycastle.asn1.ocsp.OCSPRequest;
import org.bouncycastle.asn1.ocsp.RevokedInfo;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AccessDescription;
import org.bouncycastle.asn1.x509.AuthorityInformationAccess;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLDistPoint;
import org.bouncycastle.asn1.x509.CRLNumber;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.DistributionPoint;
import org.bouncycastle.asn1.x509.DistributionPointName;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.bc.BcX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.ocsp.BasicOCSPResp;
import org.bouncycastle.cert.ocsp.BasicOCSPRespBuilder;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.OCSPException;
import org.bouncycastle.cert.ocsp.OCSPReq;
import org.bouncycastle.cert.ocsp.OCSPRespBuilder;
import org.bouncycastle.cert.ocsp.Req;
import org.bouncycastle.cert.ocsp.RevokedStatus;
import org.bouncycastle.cert.ocsp.UnknownStatus;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.DigestCalculatorProvider;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.bc.BcDigestCalculatorProvider;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The CA of one trust domain over BouncyCastle. The issuing intermediate's private key is opened once, at
 * construction, and stays in this object: no accessor returns it and {@link #toString()} does not show it.
 *
 * <p>Certificates (X.509-SVIDs, SPIFFE X509-SVID specification): empty subject, exactly one URI SAN (the SPIFFE
 * id, critical because the subject is empty, RFC 5280 section 4.1.2.6), basicConstraints cA=false (critical),
 * keyUsage digitalSignature only (critical), EKU serverAuth + clientAuth, SKI, AKI, CRL distribution point
 * {@code <base>/pki/crl} and OCSP URL {@code <base>/pki/ocsp}; a positive random serial of 159 bits; validity
 * {@code [now, now + validity]} cut at the intermediate's own expiry. Every certificate is validated by
 * {@link SvidValidator} before it is returned; a certificate that fails is never returned.
 *
 * <p>The CRL (RFC 5280 section 5) and OCSP responses (RFC 6960) are signed by the intermediate itself.
 */
public final class BcCertificateAuthority implements CertificateAuthority {
  private static final Logger LOG = LoggerFactory.getLogger(BcCertificateAuthority.class);
  /** 159 random bits: always positive and at most 20 octets in DER (RFC 5280 section 4.1.2.2). */
  static final int SERIAL_BITS = 159;
  /** How long an OCSP response may be cached by the relying party. */
  public static final Duration OCSP_VALIDITY = Duration.ofHours(1);
  /** More certificate ids than this in one OCSP request is answered malformedRequest. */
  public static final int MAX_OCSP_REQUESTS = 64;
  /** The largest nonce echoed (RFC 8954 section 2.1 lets a responder refuse longer ones). */
  static final int MAX_NONCE_OCTETS = 128;

  private final TrustDomain trustDomain;
  private final X509Certificate root;
  private final X509Certificate intermediate;
  private final X509CertificateHolder intermediateHolder;
  private final X500Name issuerName;
  private final PrivateKey intermediateKey;
  private final String signatureAlgorithm;
  private final AuthorityKeyIdentifier authorityKeyIdentifier;
  private final SubjectPublicKeyInfo intermediatePublicKeyInfo;
  private final String crlUrl;
  private final String ocspUrl;
  private final SecureRandom random;
  private final SvidValidator validator;
  private final DigestCalculatorProvider digests = new BcDigestCalculatorProvider();

  public BcCertificateAuthority(CaMaterial material, SecretSealer sealer, URI publicBaseUrl) {
    this(material, sealer, publicBaseUrl, new SecureRandom());
  }

  /**
   * @param publicBaseUrl the absolute http(s) URL under which {@code /pki/crl} and {@code /pki/ocsp} are served
   * @throws IllegalArgumentException if the base URL is not an absolute http(s) URL without query or fragment
   * @throws IllegalStateException if the sealed key does not open under {@code sealer} or does not match
   */
  public BcCertificateAuthority(CaMaterial material, SecretSealer sealer, URI publicBaseUrl, SecureRandom random) {
    Objects.requireNonNull(material, "material");
    Objects.requireNonNull(sealer, "sealer");
    this.random = Objects.requireNonNull(random, "random");
    String base = checkedBaseUrl(publicBaseUrl);
    this.crlUrl = base + "/pki/crl";
    this.ocspUrl = base + "/pki/ocsp";
    this.trustDomain = material.trustDomain();
    this.root = material.root();
    this.intermediate = material.intermediate();
    this.signatureAlgorithm = CaKeys.signatureAlgorithm(intermediate.getPublicKey());
    this.intermediateKey = CaKeys.open(material.sealedIntermediateKey(), CaMaterial.INTERMEDIATE_KEY_AD,
        intermediate.getPublicKey(), sealer);
    if (!CaKeys.matches(intermediateKey, intermediate.getPublicKey())) {
      throw new IllegalStateException("the sealed intermediate key does not match the intermediate certificate");
    }
    try {
      this.intermediateHolder = new JcaX509CertificateHolder(intermediate);
    } catch (CertificateEncodingException e) {
      throw new IllegalStateException("the intermediate certificate cannot be encoded", e);
    }
    this.issuerName = intermediateHolder.getSubject();
    this.intermediatePublicKeyInfo = intermediateHolder.getSubjectPublicKeyInfo();
    this.authorityKeyIdentifier = new AuthorityKeyIdentifier(subjectKeyIdentifier(intermediateHolder));
    this.validator = new SvidValidator(root, intermediate);
  }

  static BigInteger randomSerial(SecureRandom random) {
    BigInteger serial;
    do {
      serial = new BigInteger(SERIAL_BITS, random);
    } while (serial.signum() == 0);
    return serial;
  }

  @Override
  public String trustDomain() {
    return trustDomain.value();
  }

  @Override
  public List<X509Certificate> chain() {
    return List.of(intermediate, root);
  }

  @Override
  public X509Certificate root() {
    return root;
  }

  public X509Certificate intermediate() {
    return intermediate;
  }

  /** The URL every certificate names as its CRL distribution point. */
  public String crlUrl() {
    return crlUrl;
  }

  /** The URL every certificate names as its OCSP responder. */
  public String ocspUrl() {
    return ocspUrl;
  }

  @Override
  public IssuedCertificate issue(VerifiedCsr csr, IdentityId identity, Duration validity, Instant now) {
    Objects.requireNonNull(csr, "csr");
    Objects.requireNonNull(identity, "identity");
    Objects.requireNonNull(now, "now");
    if (validity == null || validity.isNegative() || validity.toSeconds() < 1) {
      throw new IllegalArgumentException("validity must be at least one second");
    }
    Instant notBefore = now.truncatedTo(ChronoUnit.SECONDS);
    Instant notAfter = notBefore.plusSeconds(validity.toSeconds());
    Instant caNotAfter = intermediate.getNotAfter().toInstant();
    if (notAfter.isAfter(caNotAfter)) {
      notAfter = caNotAfter;
    }
    if (notBefore.isBefore(intermediate.getNotBefore().toInstant()) || !notAfter.isAfter(notBefore)) {
      throw new IllegalStateException("the issuing CA is not valid at " + now);
    }
    String spiffeId = spiffeId(identity);
    BigInteger serial = randomSerial(random);
    SubjectPublicKeyInfo spki = SubjectPublicKeyInfo.getInstance(csr.publicKey().getEncoded());
    X509Certificate certificate;
    try {
      X509v3CertificateBuilder b = new X509v3CertificateBuilder(issuerName, serial, Date.from(notBefore),
          Date.from(notAfter), new X500Name(new RDN[0]), spki)
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
          .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
          .addExtension(Extension.extendedKeyUsage, false,
              new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}))
          .addExtension(Extension.subjectAlternativeName, true,
              new GeneralNames(new GeneralName(GeneralName.uniformResourceIdentifier, spiffeId)))
          .addExtension(Extension.subjectKeyIdentifier, false, new BcX509ExtensionUtils().createSubjectKeyIdentifier(spki))
          .addExtension(Extension.authorityKeyIdentifier, false, authorityKeyIdentifier)
          .addExtension(Extension.cRLDistributionPoints, false, new CRLDistPoint(new DistributionPoint[] {
              new DistributionPoint(new DistributionPointName(new GeneralNames(
                  new GeneralName(GeneralName.uniformResourceIdentifier, crlUrl))), null, null)}))
          .addExtension(Extension.authorityInfoAccess, false, new AuthorityInformationAccess(
              new AccessDescription(AccessDescription.id_ad_ocsp,
                  new GeneralName(GeneralName.uniformResourceIdentifier, ocspUrl))));
      certificate = new JcaX509CertificateConverter().getCertificate(b.build(signer()));
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot build the certificate", e);
    }
    validator.validate(certificate, spiffeId, csr.publicKey(), serial, notBefore, notAfter, now);
    return new IssuedCertificate(certificate, serial, thumbprint(certificate), notBefore, notAfter);
  }

  /**
   * {@inheritDoc}
   *
   * <p>Each entry carries its revocation date and reason code, except {@code unspecified}, which RFC 5280 section
   * 5.3.1 asks to leave out. Extensions: CRL number and AKI (both non-critical).
   *
   * @throws IllegalArgumentException if {@code crlNumber} is negative or longer than 20 octets, or
   *     {@code nextUpdate} is not after {@code thisUpdate}
   */
  @Override
  public byte[] crl(List<RevokedCertificate> revoked, BigInteger crlNumber, Instant thisUpdate, Instant nextUpdate) {
    Objects.requireNonNull(revoked, "revoked");
    if (crlNumber.signum() < 0 || crlNumber.bitLength() > 159) {
      throw new IllegalArgumentException("the CRL number must be a non-negative integer of at most 20 octets");
    }
    if (!nextUpdate.isAfter(thisUpdate)) {
      throw new IllegalArgumentException("nextUpdate must be after thisUpdate");
    }
    try {
      X509v2CRLBuilder b = new X509v2CRLBuilder(issuerName, Date.from(thisUpdate.truncatedTo(ChronoUnit.SECONDS)));
      b.setNextUpdate(Date.from(nextUpdate.truncatedTo(ChronoUnit.SECONDS)));
      for (RevokedCertificate r : revoked) {
        Date at = Date.from(r.revokedAt().truncatedTo(ChronoUnit.SECONDS));
        if (r.reason() == RevocationReason.UNSPECIFIED) {
          b.addCRLEntry(r.serial(), at, (Extensions) null);
        } else {
          b.addCRLEntry(r.serial(), at, r.reason().code());
        }
      }
      b.addExtension(Extension.cRLNumber, false, new CRLNumber(crlNumber));
      b.addExtension(Extension.authorityKeyIdentifier, false, authorityKeyIdentifier);
      return b.build(signer()).getEncoded();
    } catch (IOException e) {
      throw new IllegalStateException("cannot build the CRL", e);
    }
  }

  /**
   * {@inheritDoc}
   *
   * <p>A certificate id whose issuer name and key hashes are not the intermediate's is answered {@code unknown}.
   * The response is signed by the intermediate, names it by key hash and carries it; thisUpdate is {@code now},
   * nextUpdate {@code now + }{@link #OCSP_VALIDITY}. A request that does not parse, holds no or more than
   * {@value #MAX_OCSP_REQUESTS} certificate ids, or a nonce longer than {@value #MAX_NONCE_OCTETS} octets is
   * answered {@code malformedRequest}; a status lookup that fails is answered {@code internalError}.
   */
  @Override
  public byte[] ocsp(byte[] requestDer, Function<BigInteger, CertificateStatus> status, Instant now) {
    Objects.requireNonNull(status, "status");
    OCSPReq request = parseOcspRequest(requestDer);
    if (request == null) {
      return bareResponse(OCSPRespBuilder.MALFORMED_REQUEST);
    }
    Extension nonce = request.getExtension(OCSPObjectIdentifiers.id_pkix_ocsp_nonce);
    if (nonce != null && !acceptableNonce(nonce)) {
      return bareResponse(OCSPRespBuilder.MALFORMED_REQUEST);
    }
    Instant thisUpdate = now.truncatedTo(ChronoUnit.SECONDS);
    Date thisUpdateDate = Date.from(thisUpdate);
    Date nextUpdateDate = Date.from(thisUpdate.plus(OCSP_VALIDITY));
    try {
      BasicOCSPRespBuilder builder = new BasicOCSPRespBuilder(intermediatePublicKeyInfo,
          digests.get(CertificateID.HASH_SHA1));
      for (Req one : request.getRequestList()) {
        CertificateID id = one.getCertID();
        builder.addResponse(id, ourIssuer(id) ? ocspStatus(status.apply(id.getSerialNumber())) : new UnknownStatus(),
            thisUpdateDate, nextUpdateDate, null);
      }
      if (nonce != null) {
        builder.setResponseExtensions(new Extensions(new Extension(OCSPObjectIdentifiers.id_pkix_ocsp_nonce, false,
            nonce.getExtnValue())));
      }
      BasicOCSPResp basic = builder.build(signer(), new X509CertificateHolder[] {intermediateHolder}, thisUpdateDate);
      return new OCSPRespBuilder().build(OCSPRespBuilder.SUCCESSFUL, basic).getEncoded();
    } catch (OCSPException | OperatorCreationException | IOException e) {
      throw new IllegalStateException("cannot build the OCSP response", e);
    } catch (RuntimeException e) {
      LOG.warn("event=ocsp_status_lookup_failed error={}", e.getClass().getSimpleName());
      return bareResponse(OCSPRespBuilder.INTERNAL_ERROR);
    }
  }

  private static OCSPReq parseOcspRequest(byte[] der) {
    if (der == null || der.length == 0) {
      return null;
    }
    try {
      // fromByteArray refuses truncated input and data after the request
      OCSPReq request = new OCSPReq(OCSPRequest.getInstance(ASN1Primitive.fromByteArray(der)));
      int count = request.getRequestList().length;
      return count == 0 || count > MAX_OCSP_REQUESTS ? null : request;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** RFC 8954: the nonce is an OCTET STRING of 1 to 32 octets; up to {@value #MAX_NONCE_OCTETS} are echoed. */
  private static boolean acceptableNonce(Extension nonce) {
    int length;
    try {
      length = ASN1OctetString.getInstance(nonce.getParsedValue()).getOctets().length;
    } catch (RuntimeException e) {
      length = nonce.getExtnValue().getOctets().length; // a pre-RFC 8954 client sends the raw value
    }
    return length >= 1 && length <= MAX_NONCE_OCTETS;
  }

  private boolean ourIssuer(CertificateID id) {
    try {
      return id.matchesIssuer(intermediateHolder, digests);
    } catch (OCSPException e) {
      return false; // a hash algorithm we do not know cannot name our issuer
    }
  }

  private static org.bouncycastle.cert.ocsp.CertificateStatus ocspStatus(CertificateStatus status) {
    Objects.requireNonNull(status, "the status function returned null");
    if (status instanceof CertificateStatus.Good) {
      return org.bouncycastle.cert.ocsp.CertificateStatus.GOOD;
    }
    if (status instanceof CertificateStatus.Revoked r) {
      CRLReason reason = r.reason() == RevocationReason.UNSPECIFIED ? null : CRLReason.lookup(r.reason().code());
      return new RevokedStatus(new RevokedInfo(
          new ASN1GeneralizedTime(Date.from(r.revokedAt().truncatedTo(ChronoUnit.SECONDS))), reason));
    }
    return new UnknownStatus();
  }

  private static byte[] bareResponse(int status) {
    try {
      return new OCSPRespBuilder().build(status, null).getEncoded();
    } catch (OCSPException | IOException e) {
      throw new IllegalStateException("cannot build an OCSP response", e);
    }
  }

  private ContentSigner signer() {
    try {
      return new JcaContentSignerBuilder(signatureAlgorithm).setProvider(Bc.PROVIDER).build(intermediateKey);
    } catch (OperatorCreationException e) {
      throw new IllegalStateException("cannot sign with the intermediate key", e);
    }
  }

  /** base64url SHA-256 of the DER certificate without padding: the RFC 8705 {@code x5t#S256}. */
  public static String thumbprint(X509Certificate certificate) {
    try {
      return Base64.getUrlEncoder().withoutPadding().encodeToString(Hashing.sha256(certificate.getEncoded()));
    } catch (CertificateEncodingException e) {
      throw new IllegalStateException("certificate cannot be encoded", e);
    }
  }

  private static byte[] subjectKeyIdentifier(X509CertificateHolder ca) {
    Extension ski = ca.getExtension(Extension.subjectKeyIdentifier);
    if (ski != null) {
      return SubjectKeyIdentifier.getInstance(ski.getParsedValue()).getKeyIdentifier();
    }
    return new BcX509ExtensionUtils().createSubjectKeyIdentifier(ca.getSubjectPublicKeyInfo()).getKeyIdentifier();
  }

  /**
   * The base URL without trailing slashes.
   *
   * @throws IllegalArgumentException unless it is an absolute http(s) URL with a host and no user info, query or
   *     fragment
   */
  public static String checkedBaseUrl(URI url) {
    Objects.requireNonNull(url, "publicBaseUrl");
    String scheme = url.getScheme();
    if (!url.isAbsolute() || url.isOpaque() || url.getHost() == null
        || !("https".equals(scheme) || "http".equals(scheme)) || url.getRawQuery() != null
        || url.getRawFragment() != null || url.getRawUserInfo() != null) {
      throw new IllegalArgumentException("the public base URL must be an absolute http or https URL without user "
          + "info, query or fragment, for example https://bindery.example.com");
    }
    String s = url.toString();
    while (s.endsWith("/")) {
      s = s.substring(0, s.length() - 1);
    }
    return s;
  }

  @Override
  public String toString() {
    return "BcCertificateAuthority[trustDomain=" + trustDomain + ", intermediate="
        + intermediate.getSubjectX500Principal() + "]";
  }
}
