package dev.bindery.client.resource;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * An access token that {@link BinderyTokenVerifier} has verified for one request: signature by a key of the
 * issuer's JWKS, {@code typ}, issuer, audience, lifetime, revocation and binding. Only the verifier creates
 * it. It holds no copy of the token itself.
 */
public final class VerifiedAccessToken {
  private final String issuer;
  private final String subject;
  private final String clientId;
  private final List<String> audience;
  private final Set<String> scopes;
  private final String tokenId;
  private final Instant issuedAt;
  private final Instant expiresAt;
  private final Optional<Instant> notBefore;
  private final Confirmation confirmation;

  VerifiedAccessToken(String issuer, String subject, String clientId, List<String> audience, Set<String> scopes,
      String tokenId, Instant issuedAt, Instant expiresAt, Optional<Instant> notBefore,
      Confirmation confirmation) {
    this.issuer = issuer;
    this.subject = subject;
    this.clientId = clientId;
    this.audience = List.copyOf(audience);
    this.scopes = Set.copyOf(scopes);
    this.tokenId = tokenId;
    this.issuedAt = issuedAt;
    this.expiresAt = expiresAt;
    this.notBefore = notBefore;
    this.confirmation = confirmation;
  }

  /** {@code iss}. */
  public String issuer() {
    return issuer;
  }

  /** {@code sub}: the Bindery identity id ({@code nhi_...}). */
  public String subject() {
    return subject;
  }

  /** {@code client_id} (equal to {@code sub} for Bindery tokens). */
  public String clientId() {
    return clientId;
  }

  /** {@code aud}: one or more audiences, the verifier's among them. */
  public List<String> audience() {
    return audience;
  }

  /** The space-separated {@code scope} claim as a set (empty if absent). */
  public Set<String> scopes() {
    return scopes;
  }

  public boolean hasScope(String scope) {
    return scopes.contains(scope);
  }

  /** {@code jti}. */
  public String tokenId() {
    return tokenId;
  }

  public Instant issuedAt() {
    return issuedAt;
  }

  public Instant expiresAt() {
    return expiresAt;
  }

  public Optional<Instant> notBefore() {
    return notBefore;
  }

  /** {@code cnf}: the certificate or key the token is bound to. */
  public Confirmation confirmation() {
    return confirmation;
  }

  @Override
  public String toString() {
    return "VerifiedAccessToken[sub=" + subject + ", client_id=" + clientId + ", jti=" + tokenId
        + ", scope=" + scopes + ", exp=" + expiresAt + ", bound="
        + (confirmation.certificateThumbprint().isPresent() ? "x5t#S256"
            : confirmation.keyThumbprint().isPresent() ? "jkt" : "none") + "]";
  }
}
