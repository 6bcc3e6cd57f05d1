package dev.bindery.token;

import dev.bindery.credential.Thumbprint;
import java.util.Map;

/**
 * The key an access token is bound to: the {@code cnf} claim. At most one member: {@code x5t#S256}, the SHA-256
 * thumbprint of the client certificate's DER (RFC 8705 section 3.1), or {@code jkt}, the RFC 7638 thumbprint of the
 * DPoP public key (RFC 9449 section 6.1); none for an unbound bearer token.
 */
public record Confirmation(Thumbprint certificate, Thumbprint dpopKey) {
  private static final Confirmation NONE = new Confirmation(null, null);

  public Confirmation {
    if (certificate != null && dpopKey != null) {
      throw new IllegalArgumentException("a token is bound to a certificate or to a dpop key, not both");
    }
  }

  public static Confirmation certificate(Thumbprint x5tS256) {
    return new Confirmation(java.util.Objects.requireNonNull(x5tS256), null);
  }

  public static Confirmation dpop(Thumbprint jkt) {
    return new Confirmation(null, java.util.Objects.requireNonNull(jkt));
  }

  public static Confirmation none() {
    return NONE;
  }

  public boolean bound() {
    return certificate != null || dpopKey != null;
  }

  /** {@code DPoP} for a DPoP-bound token (RFC 9449 section 5), {@code Bearer} otherwise (RFC 8705 keeps Bearer). */
  public String tokenType() {
    return dpopKey != null ? "DPoP" : "Bearer";
  }

  /** The binding kind for metrics and logs: {@code dpop}, {@code mtls} or {@code none}. */
  public String kind() {
    return dpopKey != null ? "dpop" : certificate != null ? "mtls" : "none";
  }

  /** The {@code cnf} claim, or null for an unbound token. */
  public Map<String, Object> claim() {
    if (dpopKey != null) {
      return Map.of("jkt", dpopKey.value());
    }
    if (certificate != null) {
      return Map.of("x5t#S256", certificate.value());
    }
    return null;
  }
}
