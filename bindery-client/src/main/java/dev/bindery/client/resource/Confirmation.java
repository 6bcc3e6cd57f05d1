package dev.bindery.client.resource;

import java.util.Optional;

/**
 * The {@code cnf} claim of a verified token: the key the token is bound to.
 *
 * @param certificateThumbprint {@code x5t#S256} (RFC 8705 §3.1), if certificate-bound
 * @param keyThumbprint {@code jkt} (RFC 9449 §6.1), if DPoP-bound
 */
public record Confirmation(Optional<String> certificateThumbprint, Optional<String> keyThumbprint) {
  private static final Confirmation NONE = new Confirmation(Optional.empty(), Optional.empty());

  /** No {@code cnf}: an unbound bearer token, accepted only when the verifier is configured to. */
  public static Confirmation none() {
    return NONE;
  }

  public boolean isBound() {
    return certificateThumbprint.isPresent() || keyThumbprint.isPresent();
  }
}
