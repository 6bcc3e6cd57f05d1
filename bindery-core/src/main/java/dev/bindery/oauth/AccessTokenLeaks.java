package dev.bindery.oauth;

import dev.bindery.common.ErrorCode;
import dev.bindery.common.RejectedException;
import dev.bindery.credential.LeakedAccessToken;
import dev.bindery.credential.LeakedAccessTokens;
import dev.bindery.credential.Thumbprint;
import dev.bindery.identity.IdentityId;
import java.util.Objects;
import java.util.Optional;

/**
 * Recognises this authorization server's access tokens in leak reports, with {@link AccessTokenVerifier} but
 * without its lifetime check (an expired token is recognised, and the report says it expired). A value that is not
 * a compact JWS with header {@code typ} {@code at+jwt} is not an access token: the report classifies it as anything
 * else. An access token that this server did not sign is refused with {@code access_token_signature_invalid}, saying
 * whether its {@code kid} is unknown or its signature (or {@code alg}) is wrong; the message never repeats the token.
 */
public final class AccessTokenLeaks implements LeakedAccessTokens {
  private final AccessTokenVerifier verifier;

  public AccessTokenLeaks(AccessTokenVerifier verifier) {
    this.verifier = Objects.requireNonNull(verifier);
  }

  @Override
  public Optional<LeakedAccessToken> recognise(String value) {
    AccessTokenVerifier.Check check = verifier.checkIgnoringLifetime(value);
    if (check.failure() == null) {
      return Optional.of(leaked(check.token()));
    }
    return switch (check.failure()) {
      case MALFORMED, NOT_AN_ACCESS_TOKEN -> Optional.empty();
      case UNKNOWN_KEY -> throw signatureInvalid(
          "the access token's kid names no signing key of this server: it was not issued here, or so long ago that"
              + " its key is no longer published");
      case BAD_SIGNATURE -> throw signatureInvalid(
          "the access token's signature does not verify with this server's key (or its alg is not ES256)");
      case INVALID_CLAIMS -> throw RejectedException.invalid("value",
          "the access token is signed by this server but its claims are not those of its tokens");
      case OUTSIDE_LIFETIME -> throw new IllegalStateException("the lifetime was not to be checked");
    };
  }

  private static LeakedAccessToken leaked(VerifiedAccessToken t) {
    try {
      return new LeakedAccessToken(t.jti(), IdentityId.parse(t.subject()), t.expiresAt(),
          t.x5tS256() == null ? null : new Thumbprint(t.x5tS256()), t.jkt() == null ? null : new Thumbprint(t.jkt()));
    } catch (RejectedException | IllegalArgumentException e) {
      throw RejectedException.invalid("value",
          "the access token is signed by this server but its sub, jti or cnf is not those of its tokens");
    }
  }

  private static RejectedException signatureInvalid(String message) {
    return new RejectedException(ErrorCode.ACCESS_TOKEN_SIGNATURE_INVALID, message, "value");
  }
}
