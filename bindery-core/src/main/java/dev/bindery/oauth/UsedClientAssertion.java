package dev.bindery.oauth;

import dev.bindery.credential.Thumbprint;
import dev.bindery.identity.IdentityId;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Objects;

/**
 * A {@code private_key_jwt} client assertion that was accepted once (RFC 7523 section 3, item 7): the client, the
 * SHA-256 of the assertion's {@code jti} (the client chose the text, so only its digest is stored), when it was used
 * and until when it must not be accepted again (its {@code exp} plus the allowed clock skew).
 */
public record UsedClientAssertion(IdentityId clientId, Thumbprint jtiHash, Instant usedAt, Instant expiresAt) {
  public UsedClientAssertion {
    Objects.requireNonNull(clientId, "clientId");
    Objects.requireNonNull(jtiHash, "jtiHash");
    Objects.requireNonNull(usedAt, "usedAt");
    Objects.requireNonNull(expiresAt, "expiresAt");
    if (!usedAt.isBefore(expiresAt)) {
      throw new IllegalArgumentException("a used assertion is remembered until after its use");
    }
  }

  /** The digest under which {@code jti} is stored. */
  public static Thumbprint jtiHash(String jti) {
    return Thumbprint.sha256(jti.getBytes(StandardCharsets.UTF_8));
  }
}
