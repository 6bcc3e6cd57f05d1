package dev.bindery.change;

import dev.bindery.credential.Assurance;
import dev.bindery.credential.Credential;
import dev.bindery.credential.CredentialType;
import dev.bindery.credential.Thumbprint;
import java.time.Instant;
import java.util.Objects;

/**
 * The new credential a change request would bind, as verified when the request was made: an X.509-SVID to issue
 * from a CSR, or a public key (JWK) to register until {@code expiresAt}. Its level is computed from its type and
 * its verified {@link Assurance}, never taken from the caller.
 *
 * @param csrPem the PKCS#10 request ({@code x509_svid} only)
 * @param publicJwk the public JWK as JSON ({@code public_key} only)
 * @param keyThumbprint the RFC 7638 SHA-256 JWK thumbprint of the key
 * @param keyType the key's type label ({@code EC P-256}, {@code Ed25519}, {@code RSA 3072}...)
 * @param assurance {@code hardware} only if {@code attestationPem} verified against a configured vendor root
 * @param attestationPem the attestation certificate chain, or null
 * @param expiresAt when a registered public key expires ({@code public_key} only)
 */
public record ProposedCredential(CredentialType type, String csrPem, String publicJwk, Thumbprint keyThumbprint,
    String keyType, Assurance assurance, String attestationPem, Instant expiresAt) {

  public ProposedCredential {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(keyThumbprint, "keyThumbprint");
    Objects.requireNonNull(keyType, "keyType");
    Objects.requireNonNull(assurance, "assurance");
    boolean x509 = type == CredentialType.X509_SVID;
    if (!x509 && type != CredentialType.PUBLIC_KEY) {
      throw new IllegalArgumentException("a re-binding proposes an x509_svid or a public_key");
    }
    if (x509 != (csrPem != null) || x509 == (publicJwk != null) || x509 == (expiresAt != null)) {
      throw new IllegalArgumentException("an x509_svid has a csr; a public_key has a jwk and an expiry");
    }
    if (assurance == Assurance.HARDWARE && attestationPem == null) {
      throw new IllegalArgumentException("hardware assurance needs an attestation");
    }
  }

  /** The credential level this credential will have; see {@link Credential#level(CredentialType, Assurance)}. */
  public int level() {
    return Credential.level(type, assurance);
  }
}
