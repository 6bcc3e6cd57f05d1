package dev.bindery.oauth;

import dev.bindery.token.Confirmation;

/**
 * What the token endpoint reports instead of writing per-token rows or audit events (issuance must not write to
 * the store): a metrics sink in the server. Implementations must be cheap and must not throw.
 */
public interface OAuthEvents {
  /** A token was issued to a client authenticated by {@code method}, bound as {@code binding} says. */
  void tokenIssued(ClientAuthenticationMethod method, Confirmation binding);

  /** A token request was refused with {@code error}, for {@code reason} (a label of {@link OAuthException#reason}). */
  void tokenRefused(OAuthError error, String reason);

  /** Reports nothing. */
  OAuthEvents NONE = new OAuthEvents() {
    @Override
    public void tokenIssued(ClientAuthenticationMethod method, Confirmation binding) {
      // nothing
    }

    @Override
    public void tokenRefused(OAuthError error, String reason) {
      // nothing
    }
  };
}
