package dev.bindery.pki;

import java.time.Instant;

/** What the store knows of a serial, for OCSP. */
public sealed interface CertificateStatus {
  record Good() implements CertificateStatus {}

  record Revoked(Instant revokedAt, RevocationReason reason) implements CertificateStatus {}

  record Unknown() implements CertificateStatus {}
}
