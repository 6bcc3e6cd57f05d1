package dev.bindery.oauth;

import java.util.Locale;

/** Token endpoint client authentication methods (RFC 8705 section 2, RFC 7523 section 2.2), by their RFC 8414 names. */
public enum ClientAuthenticationMethod {
  /** A certificate issued by Bindery's CA whose URI SAN names the client (RFC 8705 section 2.1). */
  TLS_CLIENT_AUTH,
  /** A self-signed certificate registered for the client, matched by its x5t#S256 (RFC 8705 section 2.2). */
  SELF_SIGNED_TLS_CLIENT_AUTH,
  /**
   * A JWT signed with a public key registered for the client (RFC 7523 sections 2.2 and 3), checked by
   * {@link PrivateKeyJwtAuthenticator}.
   */
  PRIVATE_KEY_JWT;

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }
}
