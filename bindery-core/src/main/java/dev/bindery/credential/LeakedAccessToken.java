package dev.bindery.credential;

import dev.bindery.identity.IdentityId;
import dev.bindery.revocation.RevocationEvent;
import java.time.Instant;
import java.util.Objects;

/**
 * A reported access token whose signature {@link LeakedAccessTokens} verified with a signing key of this
 * authorization server (expired or not): what a leak report needs of it, never the token itself.
 *
 * @param jti the token's {@code jti}
 * @param subject the token's {@code sub}: the identity it was issued to
 * @param certificateThumbprint {@code cnf.x5t#S256}, or null
 * @param keyThumbprint {@code cnf.jkt} (a DPoP key), or null
 */
public record LeakedAccessToken(String jti, IdentityId subject, Instant expiresAt, Thumbprint certificateThumbprint,
    Thumbprint keyThumbprint) {
  public LeakedAccessToken {
    Objects.requireNonNull(jti, "jti");
    if (jti.isEmpty() || jti.length() > RevocationEvent.MAX_VALUE_LENGTH) {
      throw new IllegalArgumentException("a jti has 1 to " + RevocationEvent.MAX_VALUE_LENGTH + " characters");
    }
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(expiresAt, "expiresAt");
    if (certificateThumbprint != null && keyThumbprint != null) {
      throw new IllegalArgumentException("a token is bound to a certificate or to a key, not both");
    }
  }
}
