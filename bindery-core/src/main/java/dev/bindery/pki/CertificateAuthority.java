package dev.bindery.pki;

import dev.bindery.identity.IdentityId;
import java.math.BigInteger;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;

/**
 * The issuing certificate authority of one trust domain. Its private keys stay inside the implementation
 * (never returned, never logged). Issuance is a pipeline: build the template from policy, sign, then validate
 * the issued certificate independently (chain, SAN, extensions, validity) before returning it.
 */
public interface CertificateAuthority {
  /** The SPIFFE trust domain, for example {@code bindery.test}. */
  String trustDomain();

  /** {@code spiffe://<trust-domain>/nhi/<id>}: the only name an identity's certificate carries. */
  default String spiffeId(IdentityId identity) {
    return "spiffe://" + trustDomain() + "/nhi/" + identity.value();
  }

  /**
   * Issues an X.509-SVID for {@code identity} from a verified CSR: exactly one URI SAN (the SPIFFE id), a
   * fresh positive random serial of at most 20 octets, cA=false, keyUsage digitalSignature (critical), EKU
   * clientAuth + serverAuth, AKI/SKI, CRL distribution point and OCSP URL, validity [now, now+validity].
   */
  IssuedCertificate issue(VerifiedCsr csr, IdentityId identity, Duration validity, Instant now);

  /** The issuing intermediate first, then the root. */
  List<X509Certificate> chain();

  X509Certificate root();

  /** A DER CRL signed by the issuing CA. */
  byte[] crl(List<RevokedCertificate> revoked, BigInteger crlNumber, Instant thisUpdate, Instant nextUpdate);

  /**
   * Answers a DER OCSP request (RFC 6960) with a signed DER response; the nonce is echoed. A request that does
   * not parse gets a {@code malformedRequest} response, never an exception.
   */
  byte[] ocsp(byte[] requestDer, Function<BigInteger, CertificateStatus> status, Instant now);
}
