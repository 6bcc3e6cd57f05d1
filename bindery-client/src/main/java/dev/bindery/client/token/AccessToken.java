package dev.bindery.client.token;

import java.time.Instant;
import java.util.Objects;
import java.util.Set;

/**
 * An access token obtained from Bindery. A secret: {@link #toString} shows only its type and expiry; the
 * value is read through {@link #value()} or {@link #authorizationHeader()}.
 */
public final class AccessToken {
  /** How the token is presented to resource servers. */
  public enum Type {
    /** {@code Authorization: Bearer} (certificate-bound tokens, RFC 8705, use this scheme). */
    BEARER("Bearer"),
    /** {@code Authorization: DPoP} with a DPoP proof per request (RFC 9449 §7.1). */
    DPOP("DPoP");

    private final String scheme;

    Type(String scheme) {
      this.scheme = scheme;
    }

    public String scheme() {
      return scheme;
    }
  }

  private final String value;
  private final Type type;
  private final Instant obtainedAt;
  private final Instant expiresAt;
  private final Set<String> scopes;

  AccessToken(String value, Type type, Instant obtainedAt, Instant expiresAt, Set<String> scopes) {
    this.value = Objects.requireNonNull(value);
    this.type = Objects.requireNonNull(type);
    this.obtainedAt = Objects.requireNonNull(obtainedAt);
    this.expiresAt = Objects.requireNonNull(expiresAt);
    this.scopes = Set.copyOf(scopes);
  }

  /** The token itself. Never log it. */
  public String value() {
    return value;
  }

  /** {@code "Bearer <token>"} or {@code "DPoP <token>"}. */
  public String authorizationHeader() {
    return type.scheme() + " " + value;
  }

  public Type type() {
    return type;
  }

  /** When the token endpoint answered (by the client's clock). */
  public Instant obtainedAt() {
    return obtainedAt;
  }

  /** {@code obtainedAt + expires_in}. */
  public Instant expiresAt() {
    return expiresAt;
  }

  /** The granted scopes ({@code scope} of the answer; empty if the server did not say). */
  public Set<String> scopes() {
    return scopes;
  }

  @Override
  public String toString() {
    return "AccessToken[type=" + type.scheme() + ", expires_at=" + expiresAt + "]";
  }
}
