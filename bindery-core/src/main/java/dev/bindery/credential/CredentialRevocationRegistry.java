package dev.bindery.credential;

import dev.bindery.pki.CertificateStatus;
import dev.bindery.pki.RevocationRegistry;
import dev.bindery.pki.RevokedCertificate;
import dev.bindery.store.Transactor;
import java.math.BigInteger;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The revocation state of Bindery's X.509-SVIDs, read from the credential store, for the CRL and the OCSP
 * responder. A superseded certificate is revoked (reason superseded), a quarantined one too (key compromise):
 * both stop working everywhere at once. A serial Bindery never issued is unknown. Suspension of an identity is
 * not a revocation (it is undone on resume), so its certificates stay good here while Bindery itself refuses
 * them.
 */
public final class CredentialRevocationRegistry implements RevocationRegistry {
  private final Transactor store;

  public CredentialRevocationRegistry(Transactor store) {
    this.store = Objects.requireNonNull(store);
  }

  @Override
  public CertificateStatus status(BigInteger serial, Instant now) {
    return store.read(t -> t.credentials().findBySerial(serial)
        .<CertificateStatus>map(c -> c.revoked()
            ? new CertificateStatus.Revoked(c.revokedAt(), c.revocationReason())
            : new CertificateStatus.Good())
        .orElseGet(CertificateStatus.Unknown::new));
  }

  @Override
  public List<RevokedCertificate> revokedUnexpired(Instant now) {
    return store.read(t -> t.credentials().revokedUnexpired(now));
  }
}
