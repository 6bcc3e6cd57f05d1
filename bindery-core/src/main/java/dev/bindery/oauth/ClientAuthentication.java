package dev.bindery.oauth;

import java.security.cert.X509Certificate;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Chooses the client authentication method from what a token request presents, never by guessing, and runs that
 * method's {@link ClientAuthenticator}:
 *
 * <ol>
 *   <li>An {@code Authorization} header or a {@code client_secret} parameter: refused ({@code invalid_client});
 *       Bindery has no client secrets.
 *   <li>{@code client_assertion_type} and {@code client_assertion}: {@code private_key_jwt} (RFC 7523). Only one of
 *       the two, or another assertion type, is {@code invalid_request}.
 *   <li>A TLS client certificate whose issuer is its own subject: {@code self_signed_tls_client_auth}.
 *   <li>Any other TLS client certificate (the handshake accepts only Bindery's chain besides single self-signed
 *       certificates): {@code tls_client_auth}.
 *   <li>Nothing: {@code invalid_client}.
 * </ol>
 *
 * A method without a registered authenticator is refused with {@code invalid_client}.
 */
public final class ClientAuthentication {
  public static final String JWT_BEARER_ASSERTION = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
  private final Map<ClientAuthenticationMethod, ClientAuthenticator> authenticators =
      new EnumMap<>(ClientAuthenticationMethod.class);

  public ClientAuthentication(List<ClientAuthenticator> authenticators) {
    for (ClientAuthenticator a : authenticators) {
      if (this.authenticators.put(a.method(), a) != null) {
        throw new IllegalArgumentException("two authenticators for " + a.method().wire());
      }
    }
  }

  /** The methods this server supports, for the metadata document. */
  public Set<ClientAuthenticationMethod> methods() {
    return Set.copyOf(authenticators.keySet());
  }

  public AuthenticatedClient authenticate(ClientAuthenticationRequest r) {
    ClientAuthenticationMethod method = select(r);
    ClientAuthenticator authenticator = authenticators.get(method);
    if (authenticator == null) {
      throw new OAuthException(OAuthError.INVALID_CLIENT, "method_unsupported",
          method.wire() + " is not supported by this server");
    }
    return authenticator.authenticate(r);
  }

  /** The method the request's presented material calls for. */
  static ClientAuthenticationMethod select(ClientAuthenticationRequest r) {
    if (r.authorizationScheme() != null) {
      throw new OAuthException(OAuthError.INVALID_CLIENT, "http_authentication",
          "client authentication with the authorization header is not supported; use mutual tls");
    }
    if (r.clientSecretSent()) {
      throw new OAuthException(OAuthError.INVALID_CLIENT, "client_secret",
          "client secrets are not supported; use mutual tls");
    }
    if (r.assertionSent()) {
      if (r.clientAssertionType() == null || r.clientAssertion() == null) {
        throw new OAuthException(OAuthError.INVALID_REQUEST, "assertion_incomplete",
            "client_assertion and client_assertion_type must be sent together");
      }
      if (!JWT_BEARER_ASSERTION.equals(r.clientAssertionType())) {
        throw new OAuthException(OAuthError.INVALID_REQUEST, "assertion_type_unsupported",
            "client_assertion_type must be " + JWT_BEARER_ASSERTION);
      }
      return ClientAuthenticationMethod.PRIVATE_KEY_JWT;
    }
    X509Certificate leaf = r.leaf();
    if (leaf == null) {
      throw new OAuthException(OAuthError.INVALID_CLIENT, "no_client_authentication",
          "client authentication is required: present a client certificate over tls");
    }
    return leaf.getIssuerX500Principal().equals(leaf.getSubjectX500Principal())
        ? ClientAuthenticationMethod.SELF_SIGNED_TLS_CLIENT_AUTH : ClientAuthenticationMethod.TLS_CLIENT_AUTH;
  }
}
