package dev.bindery.pki;

import java.math.BigInteger;
import java.time.Instant;
import java.util.List;

/** What the credential store knows about issued serials; the CRL and OCSP responder read it. */
public interface RevocationRegistry {
  /** Good, revoked (also superseded and quarantined certificates) or unknown (never issued by this CA). */
  CertificateStatus status(BigInteger serial, Instant now);

  /** Every revoked certificate that has not yet expired at {@code now}. */
  List<RevokedCertificate> revokedUnexpired(Instant now);
}
