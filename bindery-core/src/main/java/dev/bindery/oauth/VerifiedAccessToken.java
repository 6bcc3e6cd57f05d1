package dev.bindery.oauth;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An access token whose signature, type, issuer and lifetime {@link AccessTokenVerifier} checked; only the verifier
 * constructs one. It says nothing yet about revocation: {@link TokenIntrospection} decides whether it is active.
 *
 * @param scope the {@code scope} claim (space-separated), or null when the token has none
 * @param x5tS256 {@code cnf.x5t#S256}, or null
 * @param jkt {@code cnf.jkt}, or null
 */
public record VerifiedAccessToken(String issuer, String subject, String clientId, String scope,
    List<String> audiences, Instant issuedAt, Instant notBefore, Instant expiresAt, String jti, String x5tS256,
    String jkt) {
  public VerifiedAccessToken {
    Objects.requireNonNull(issuer);
    Objects.requireNonNull(subject);
    Objects.requireNonNull(clientId);
    audiences = List.copyOf(audiences);
    Objects.requireNonNull(issuedAt);
    Objects.requireNonNull(notBefore);
    Objects.requireNonNull(expiresAt);
    Objects.requireNonNull(jti);
    if (x5tS256 != null && jkt != null) {
      throw new IllegalArgumentException("a token is bound to a certificate or to a dpop key, not both");
    }
  }

  /** {@code DPoP} for a DPoP-bound token, {@code Bearer} otherwise (as the token endpoint answered). */
  public String tokenType() {
    return jkt != null ? "DPoP" : "Bearer";
  }

  /** The {@code cnf} claim, or null for an unbound token. */
  public Map<String, Object> confirmation() {
    if (jkt != null) {
      return Map.of("jkt", jkt);
    }
    return x5tS256 == null ? null : Map.of("x5t#S256", x5tS256);
  }
}
