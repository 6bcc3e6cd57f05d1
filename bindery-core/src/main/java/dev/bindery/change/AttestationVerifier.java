package dev.bindery.change;

import dev.bindery.credential.Assurance;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * Port to the verification of hardware key attestations (TPM, secure enclave, HSM). The change engine calls it with
 * the proposed credential's public key and the attestation chain the requester supplied (leaf first); it never
 * decides hardware custody itself.
 */
@FunctionalInterface
public interface AttestationVerifier {
  /** No vendor roots configured: no key is ever attested, so no credential reaches level 3. */
  AttestationVerifier NONE = (key, chain) -> Assurance.SOFTWARE;

  /**
   * {@link Assurance#HARDWARE} only if {@code chain} verifies to a configured vendor root, is valid now, proves
   * hardware custody, and attests exactly {@code key}; {@link Assurance#SOFTWARE} otherwise. A chain that does not
   * parse may be refused with a {@link dev.bindery.common.RejectedException} naming the field {@code attestation}.
   */
  Assurance verify(PublicKey key, List<X509Certificate> chain);
}
