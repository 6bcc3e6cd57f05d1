package dev.bindery.credential;

import dev.bindery.identity.Identity;
import java.time.Instant;
import java.util.Objects;

/**
 * A credential that {@link CredentialService} verified as usable: a certificate presented over mutual TLS or an
 * API key. Only the service creates one, so holding one proves the check was made (at {@link #authenticatedAt}).
 */
public final class AuthenticatedCredential {
  private final Credential credential;
  private final Identity identity;
  private final Instant authenticatedAt;

  AuthenticatedCredential(Credential credential, Identity identity, Instant authenticatedAt) {
    this.credential = Objects.requireNonNull(credential);
    this.identity = Objects.requireNonNull(identity);
    this.authenticatedAt = Objects.requireNonNull(authenticatedAt);
  }

  public Credential credential() {
    return credential;
  }

  public Identity identity() {
    return identity;
  }

  public Instant authenticatedAt() {
    return authenticatedAt;
  }

  @Override
  public String toString() {
    return "AuthenticatedCredential[" + credential.id() + " of " + identity.id() + "]";
  }
}
