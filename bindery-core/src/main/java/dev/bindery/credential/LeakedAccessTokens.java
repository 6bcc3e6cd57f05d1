package dev.bindery.credential;

import java.util.Optional;

/**
 * Recognises an access token of this authorization server in a leak report. Implemented by the authorization server,
 * which holds the signing keys; the credential service asks it before classifying a value as anything else.
 */
@FunctionalInterface
public interface LeakedAccessTokens {
  /** Recognises nothing: a value shaped like an access token is then unrecognised, like any other. */
  LeakedAccessTokens NONE = value -> Optional.empty();

  /**
   * @param value the reported value, stripped
   * @return empty if {@code value} is not an access token (not a compact JWS whose header {@code typ} is
   *     {@code at+jwt}); otherwise the token, if its signature verifies with a signing key of this server, whether it
   *     has expired or not
   * @throws dev.bindery.common.RejectedException {@code access_token_signature_invalid} (field {@code value}) for an
   *     access token whose {@code kid} names no signing key of this server or whose signature does not verify; {@code
   *     invalid_field} for one signed by this server whose claims are not those of its tokens
   */
  Optional<LeakedAccessToken> recognise(String value);
}
