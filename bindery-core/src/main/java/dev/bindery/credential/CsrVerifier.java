package dev.bindery.credential;

import dev.bindery.pki.VerifiedCsr;

/**
 * Verifies a PEM PKCS#10 request that may name only {@code permittedSpiffeId} as its subject alternative name;
 * refuses with the CSR error codes ({@code csr_malformed}, {@code csr_signature_invalid}, {@code key_unsupported},
 * {@code key_too_weak}, {@code csr_not_permitted}).
 */
@FunctionalInterface
public interface CsrVerifier {
  VerifiedCsr verify(String pem, String permittedSpiffeId);
}
