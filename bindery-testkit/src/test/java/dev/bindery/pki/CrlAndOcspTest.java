package dev.bindery.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bindery.identity.IdentityId;
import dev.bindery.testkit.MutableClock;
import dev.bindery.testkit.pki.TestCa;
import dev.bindery.testkit.pki.TestKeys;
import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.bouncycastle.asn1.ASN1Enumerated;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.ocsp.OCSPObjectIdentifiers;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.CRLNumber;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.cert.X509CRLEntryHolder;
import org.bouncycastle.cert.X509CRLHolder;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.ocsp.BasicOCSPResp;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.OCSPReqBuilder;
import org.bouncycastle.cert.ocsp.OCSPResp;
import org.bouncycastle.cert.ocsp.RevokedStatus;
import org.bouncycastle.cert.ocsp.SingleResp;
import org.bouncycastle.cert.ocsp.UnknownStatus;
import org.bouncycastle.operator.DigestCalculatorProvider;
import org.bouncycastle.operator.bc.BcDigestCalculatorProvider;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.junit.jupiter.api.Test;

/** CRLs and OCSP responses parsed back with BouncyCastle (and the CRL with the JDK). */
class CrlAndOcspTest {
  private static final Instant NOW = MutableClock.DEFAULT_START;
  private static final DigestCalculatorProvider DIGESTS = new BcDigestCalculatorProvider();
  private final TestCa pki = TestCa.create(NOW.minus(Duration.ofDays(1)));
  private final BcCertificateAuthority ca = pki.ca();
  private final X509CertificateHolder intermediate = holder();

  private X509CertificateHolder holder() {
    try {
      return new JcaX509CertificateHolder(pki.material().intermediate());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private byte[] intermediateSki() {
    return SubjectKeyIdentifier.getInstance(intermediate.getExtension(Extension.subjectKeyIdentifier).getParsedValue())
        .getKeyIdentifier();
  }

  @Test
  void crl_entries_parseBackWithDatesReasonsNumberAndAki() throws Exception {
    BigInteger a = new BigInteger("7fffffffffffffffffffffffffffffffffffffff", 16);
    BigInteger b = BigInteger.valueOf(42);
    BigInteger c = BigInteger.valueOf(4242);
    Instant revokedA = Instant.parse("2026-11-22T08:00:00Z");
    List<RevokedCertificate> revoked = List.of(new RevokedCertificate(a, revokedA, RevocationReason.KEY_COMPROMISE),
        new RevokedCertificate(b, revokedA.plusSeconds(60), RevocationReason.SUPERSEDED),
        new RevokedCertificate(c, revokedA.plusSeconds(120), RevocationReason.UNSPECIFIED));

    byte[] der = ca.crl(revoked, BigInteger.valueOf(1_795_000_000L), NOW, NOW.plus(Duration.ofHours(1)));

    X509CRLHolder crl = new X509CRLHolder(der);
    assertThat(crl.isSignatureValid(new JcaContentVerifierProviderBuilder().setProvider(TestKeys.BC)
        .build(pki.material().intermediate().getPublicKey()))).isTrue();
    assertThat(crl.getIssuer()).isEqualTo(intermediate.getSubject());
    assertThat(crl.toASN1Structure().getVersionNumber()).isEqualTo(2);
    assertThat(crl.getThisUpdate().toInstant()).isEqualTo(NOW);
    assertThat(crl.getNextUpdate().toInstant()).isEqualTo(NOW.plus(Duration.ofHours(1)));
    assertThat(CRLNumber.getInstance(crl.getExtension(Extension.cRLNumber).getParsedValue()).getCRLNumber())
        .isEqualTo(BigInteger.valueOf(1_795_000_000L));
    assertThat(crl.getExtension(Extension.cRLNumber).isCritical()).isFalse();
    assertThat(AuthorityKeyIdentifier.getInstance(crl.getExtension(Extension.authorityKeyIdentifier).getParsedValue())
        .getKeyIdentifierObject().getOctets()).isEqualTo(intermediateSki());

    assertThat(crl.getRevokedCertificates()).hasSize(3);
    X509CRLEntryHolder ea = crl.getRevokedCertificate(a);
    assertThat(ea.getRevocationDate().toInstant()).isEqualTo(revokedA);
    assertThat(reason(ea)).isEqualTo(CRLReason.keyCompromise);
    assertThat(reason(crl.getRevokedCertificate(b))).isEqualTo(CRLReason.superseded);
    // RFC 5280 section 5.3.1: the unspecified reason code is left out
    assertThat(crl.getRevokedCertificate(c).getExtensions()).isNull();
    assertThat(crl.getRevokedCertificate(BigInteger.valueOf(43))).isNull();

    X509CRL jdk = (X509CRL) CertificateFactory.getInstance("X.509").generateCRL(new ByteArrayInputStream(der));
    jdk.verify(pki.material().intermediate().getPublicKey());
    assertThat(jdk.getRevokedCertificate(a).getRevocationReason()).isEqualTo(java.security.cert.CRLReason.KEY_COMPROMISE);
  }

  private static int reason(X509CRLEntryHolder entry) {
    return ASN1Enumerated.getInstance(entry.getExtension(Extension.reasonCode).getParsedValue()).intValueExact();
  }

  @Test
  void crl_empty_isValidAndSigned() throws Exception {
    X509CRLHolder crl = new X509CRLHolder(ca.crl(List.of(), BigInteger.ONE, NOW, NOW.plusSeconds(60)));
    assertThat(crl.getRevokedCertificates()).isEmpty();
    assertThat(crl.isSignatureValid(new JcaContentVerifierProviderBuilder().setProvider(TestKeys.BC)
        .build(pki.material().intermediate().getPublicKey()))).isTrue();
  }

  @Test
  void crl_badNumberOrWindow_refused() {
    assertThatThrownBy(() -> ca.crl(List.of(), BigInteger.valueOf(-1), NOW, NOW.plusSeconds(60)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("CRL number");
    assertThatThrownBy(() -> ca.crl(List.of(), BigInteger.ONE.shiftLeft(160), NOW, NOW.plusSeconds(60)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("20 octets");
    assertThatThrownBy(() -> ca.crl(List.of(), BigInteger.ONE, NOW, NOW))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nextUpdate");
  }

  private CertificateID certId(X509CertificateHolder issuer, BigInteger serial) throws Exception {
    return new CertificateID(DIGESTS.get(CertificateID.HASH_SHA1), issuer, serial);
  }

  private static byte[] request(byte[] nonce, CertificateID... ids) throws Exception {
    OCSPReqBuilder b = new OCSPReqBuilder();
    for (CertificateID id : ids) {
      b.addRequest(id);
    }
    if (nonce != null) {
      b.setRequestExtensions(new Extensions(new Extension(OCSPObjectIdentifiers.id_pkix_ocsp_nonce, false,
          new DEROctetString(new DEROctetString(nonce).getEncoded()))));
    }
    return b.build().getEncoded();
  }

  @Test
  void ocsp_goodRevokedUnknown_signedByIntermediateWithNonceEchoed() throws Exception {
    BigInteger good = BigInteger.valueOf(1);
    BigInteger revoked = BigInteger.valueOf(2);
    BigInteger unknown = BigInteger.valueOf(3);
    Instant revokedAt = Instant.parse("2026-11-23T09:30:00Z");
    Map<BigInteger, CertificateStatus> statuses = Map.of(good, new CertificateStatus.Good(),
        revoked, new CertificateStatus.Revoked(revokedAt, RevocationReason.KEY_COMPROMISE));
    byte[] nonce = new byte[16];
    Arrays.fill(nonce, (byte) 0x5a);
    byte[] req = request(nonce, certId(intermediate, good), certId(intermediate, revoked),
        certId(intermediate, unknown));

    OCSPResp resp = new OCSPResp(ca.ocsp(req, s -> statuses.getOrDefault(s, new CertificateStatus.Unknown()),
        NOW.plusMillis(700)));

    assertThat(resp.getStatus()).isEqualTo(OCSPResp.SUCCESSFUL);
    BasicOCSPResp basic = (BasicOCSPResp) resp.getResponseObject();
    assertThat(basic.isSignatureValid(new JcaContentVerifierProviderBuilder().setProvider(TestKeys.BC)
        .build(pki.material().intermediate().getPublicKey()))).isTrue();
    byte[] keyHash = MessageDigest.getInstance("SHA-1").digest(
        intermediate.getSubjectPublicKeyInfo().getPublicKeyData().getBytes());
    assertThat(basic.getResponderId().toASN1Primitive().getKeyHash()).isEqualTo(keyHash);
    assertThat(basic.getCerts()).containsExactly(intermediate);
    assertThat(basic.getProducedAt().toInstant()).isEqualTo(NOW);
    assertThat(DEROctetString.getInstance(basic.getExtension(OCSPObjectIdentifiers.id_pkix_ocsp_nonce)
        .getParsedValue()).getOctets()).isEqualTo(nonce);

    SingleResp[] singles = basic.getResponses();
    assertThat(singles).hasSize(3);
    for (SingleResp single : singles) {
      assertThat(single.getThisUpdate().toInstant()).isEqualTo(NOW);
      assertThat(single.getNextUpdate().toInstant()).isEqualTo(NOW.plus(BcCertificateAuthority.OCSP_VALIDITY));
      assertThat(single.getCertID().matchesIssuer(intermediate, DIGESTS)).isTrue();
    }
    assertThat(singles[0].getCertID().getSerialNumber()).isEqualTo(good);
    assertThat(singles[0].getCertStatus()).isNull(); // GOOD
    assertThat(singles[1].getCertStatus()).isInstanceOf(RevokedStatus.class);
    RevokedStatus r = (RevokedStatus) singles[1].getCertStatus();
    assertThat(r.getRevocationTime().toInstant()).isEqualTo(revokedAt);
    assertThat(r.getRevocationReason()).isEqualTo(CRLReason.keyCompromise);
    assertThat(singles[2].getCertStatus()).isInstanceOf(UnknownStatus.class);
  }

  @Test
  void ocsp_unspecifiedReason_leftOutOfRevokedInfo() throws Exception {
    byte[] req = request(null, certId(intermediate, BigInteger.TEN));
    OCSPResp resp = new OCSPResp(ca.ocsp(req,
        s -> new CertificateStatus.Revoked(NOW.minusSeconds(5), RevocationReason.UNSPECIFIED), NOW));
    RevokedStatus r = (RevokedStatus) ((BasicOCSPResp) resp.getResponseObject()).getResponses()[0].getCertStatus();
    assertThat(r.hasRevocationReason()).isFalse();
    assertThat(((BasicOCSPResp) resp.getResponseObject()).getExtension(OCSPObjectIdentifiers.id_pkix_ocsp_nonce))
        .isNull();
  }

  @Test
  void ocsp_sha256CertId_isMatched() throws Exception {
    CertificateID id = new CertificateID(DIGESTS.get(new org.bouncycastle.asn1.x509.AlgorithmIdentifier(
        org.bouncycastle.asn1.nist.NISTObjectIdentifiers.id_sha256)), intermediate, BigInteger.TWO);
    OCSPResp resp = new OCSPResp(ca.ocsp(request(null, id), s -> new CertificateStatus.Good(), NOW));
    assertThat(((BasicOCSPResp) resp.getResponseObject()).getResponses()[0].getCertStatus()).isNull();
  }

  @Test
  void ocsp_foreignIssuer_unknownWithoutAskingTheRegistry() throws Exception {
    TestCa other = TestCa.create(NOW.minus(Duration.ofDays(1)));
    X509CertificateHolder foreign = new JcaX509CertificateHolder(other.material().intermediate());
    X509CertificateHolder root = new JcaX509CertificateHolder(pki.material().root());
    List<BigInteger> asked = new ArrayList<>();
    Function<BigInteger, CertificateStatus> registry = s -> {
      asked.add(s);
      return new CertificateStatus.Good();
    };

    OCSPResp resp = new OCSPResp(ca.ocsp(request(null, certId(foreign, BigInteger.ONE), certId(root, BigInteger.TWO),
        certId(intermediate, BigInteger.TEN)), registry, NOW));

    SingleResp[] singles = ((BasicOCSPResp) resp.getResponseObject()).getResponses();
    assertThat(singles[0].getCertStatus()).isInstanceOf(UnknownStatus.class);
    assertThat(singles[1].getCertStatus()).isInstanceOf(UnknownStatus.class);
    assertThat(singles[2].getCertStatus()).isNull();
    assertThat(asked).containsExactly(BigInteger.TEN);
  }

  @Test
  void ocsp_malformedRequests_answeredMalformedRequestWithoutBody() throws Exception {
    byte[] good = request(null, certId(intermediate, BigInteger.ONE));
    byte[] trailing = Arrays.copyOf(good, good.length + 1);
    CertificateID[] tooMany = new CertificateID[BcCertificateAuthority.MAX_OCSP_REQUESTS + 1];
    for (int i = 0; i < tooMany.length; i++) {
      tooMany[i] = certId(intermediate, BigInteger.valueOf(i + 1));
    }
    List<byte[]> bad = List.of(new byte[0], "not der".getBytes(), Arrays.copyOf(good, good.length - 3), trailing,
        new byte[] {0x30, 0x00}, request(null, tooMany), request(new byte[200], certId(intermediate, BigInteger.ONE)),
        pki.material().intermediate().getEncoded());
    for (byte[] req : bad) {
      OCSPResp resp = new OCSPResp(ca.ocsp(req, s -> new CertificateStatus.Good(), NOW));
      assertThat(resp.getStatus()).isEqualTo(OCSPResp.MALFORMED_REQUEST);
      assertThat(resp.getResponseObject()).isNull();
    }
    assertThat(new OCSPResp(ca.ocsp(null, s -> new CertificateStatus.Good(), NOW)).getStatus())
        .isEqualTo(OCSPResp.MALFORMED_REQUEST);
  }

  @Test
  void ocsp_registryFails_answeredInternalError() throws Exception {
    byte[] req = request(null, certId(intermediate, BigInteger.ONE));
    OCSPResp resp = new OCSPResp(ca.ocsp(req, s -> {
      throw new IllegalStateException("database down");
    }, NOW));
    assertThat(resp.getStatus()).isEqualTo(OCSPResp.INTERNAL_ERROR);
    assertThat(resp.getResponseObject()).isNull();
  }

  @Test
  void ocsp_issuedCertificate_isGoodThenRevoked() throws Exception {
    TestCa.Leaf leaf = pki.issue(IdentityId.parse("nhi_aaaaaaaaaaaaaaaaaaaaaaaaaa"), Duration.ofHours(1), NOW);
    BigInteger serial = leaf.issued().serial();
    byte[] req = request(null, certId(intermediate, serial));
    assertThat(((BasicOCSPResp) new OCSPResp(ca.ocsp(req, s -> s.equals(serial) ? new CertificateStatus.Good()
        : new CertificateStatus.Unknown(), NOW)).getResponseObject()).getResponses()[0].getCertStatus()).isNull();
  }
}
