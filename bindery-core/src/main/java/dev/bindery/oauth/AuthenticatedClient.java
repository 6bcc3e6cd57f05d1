package dev.bindery.oauth;

import dev.bindery.credential.AuthenticatedCredential;
import dev.bindery.credential.Credential;
import dev.bindery.credential.Thumbprint;
import dev.bindery.identity.Identity;
import java.time.Instant;
import java.util.Objects;

/**
 * A token endpoint client that a {@link ClientAuthenticator} authenticated: the identity (the client is an
 * identity; {@code client_id} is its id), the method, the credential that proved it, and for the mutual TLS
 * methods the x5t#S256 of the certificate presented on the connection (what a certificate-bound token binds to).
 * Only the authenticators of this package create one.
 */
public final class AuthenticatedClient {
  private final Identity identity;
  private final ClientAuthenticationMethod method;
  private final Credential credential;
  private final Thumbprint certificateThumbprint;
  private final Instant authenticatedAt;

  AuthenticatedClient(AuthenticatedCredential authenticated, ClientAuthenticationMethod method,
      Thumbprint certificateThumbprint) {
    this(authenticated.identity(), method, authenticated.credential(), certificateThumbprint,
        authenticated.authenticatedAt());
  }

  AuthenticatedClient(Identity identity, ClientAuthenticationMethod method, Credential credential,
      Thumbprint certificateThumbprint, Instant authenticatedAt) {
    this.identity = Objects.requireNonNull(identity);
    this.method = Objects.requireNonNull(method);
    this.credential = Objects.requireNonNull(credential);
    this.certificateThumbprint = certificateThumbprint;
    this.authenticatedAt = Objects.requireNonNull(authenticatedAt);
    boolean tls = method != ClientAuthenticationMethod.PRIVATE_KEY_JWT;
    if (tls && certificateThumbprint == null) {
      throw new IllegalArgumentException("a mutual tls client has a certificate thumbprint");
    }
  }

  public Identity identity() {
    return identity;
  }

  public ClientAuthenticationMethod method() {
    return method;
  }

  public Credential credential() {
    return credential;
  }

  /** The x5t#S256 of the client certificate on the connection, or null when the client presented none. */
  public Thumbprint certificateThumbprint() {
    return certificateThumbprint;
  }

  public Instant authenticatedAt() {
    return authenticatedAt;
  }

  @Override
  public String toString() {
    return "AuthenticatedClient[" + identity.id() + " " + method.wire() + "]";
  }
}
