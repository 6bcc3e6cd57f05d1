package dev.bindery.oauth;

import dev.bindery.credential.Thumbprint;
import java.time.Instant;
import java.util.Objects;

/**
 * A DPoP proof that {@link DpopProofVerifier} accepted (RFC 9449 section 4.3): the RFC 7638 SHA-256 thumbprint of
 * its public key ({@code jkt}, what a DPoP-bound token's {@code cnf} carries), its {@code jti} and {@code iat}.
 * Only the verifier creates one.
 */
public final class DpopProof {
  private final Thumbprint jkt;
  private final String jti;
  private final Instant issuedAt;

  DpopProof(Thumbprint jkt, String jti, Instant issuedAt) {
    this.jkt = Objects.requireNonNull(jkt);
    this.jti = Objects.requireNonNull(jti);
    this.issuedAt = Objects.requireNonNull(issuedAt);
  }

  public Thumbprint jkt() {
    return jkt;
  }

  public String jti() {
    return jti;
  }

  public Instant issuedAt() {
    return issuedAt;
  }

  @Override
  public String toString() {
    return "DpopProof[jkt=" + jkt + "]";
  }
}
