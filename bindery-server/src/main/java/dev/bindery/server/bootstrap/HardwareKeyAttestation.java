package dev.bindery.server.bootstrap;

import dev.bindery.change.AttestationVerifier;
import dev.bindery.credential.Assurance;
import dev.bindery.credential.CredentialKeys;
import dev.bindery.pki.KeyAttestation;
import dev.bindery.pki.KeyAttestationVerifier;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The re-binding engine's {@link AttestationVerifier} port, answered by the {@link KeyAttestationVerifier} built from
 * {@code bindery.attestation.roots}: {@link Assurance#HARDWARE} exactly when the chain proves, to a configured vendor
 * root, that the new key is hardware-held; {@link Assurance#SOFTWARE} when nothing is attested (no chain, or no root
 * configured). A chain that was presented and fails a check is refused by the verifier with
 * {@code attestation_invalid}, which reaches the caller as a 400 naming the field {@code attestation}.
 *
 * <p>The port answers only the assurance, so the attestation's format and vendor root are not stored with the
 * request; they are logged (no key material: the key's fingerprint only) when a key is attested.
 */
final class HardwareKeyAttestation implements AttestationVerifier {
  private static final Logger LOG = LoggerFactory.getLogger(HardwareKeyAttestation.class);
  private final KeyAttestationVerifier verifier;

  HardwareKeyAttestation(KeyAttestationVerifier verifier) {
    this.verifier = Objects.requireNonNull(verifier);
  }

  @Override
  public Assurance verify(PublicKey key, List<X509Certificate> chain) {
    KeyAttestation result = verifier.verify(key, chain);
    if (!result.attested()) {
      LOG.debug("event=key_not_attested reason=\"{}\"", result.reason().orElse(""));
      return Assurance.SOFTWARE;
    }
    LOG.info("event=key_attested format={} vendor_root=\"{}\" key_fingerprint={}",
        result.format().map(f -> f.wire()).orElse(""), result.vendorRootSubject().orElse(""),
        CredentialKeys.fingerprint(key).value());
    return Assurance.HARDWARE;
  }
}
