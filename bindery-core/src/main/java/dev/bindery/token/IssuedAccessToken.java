package dev.bindery.token;

import dev.bindery.common.Secret;
import dev.bindery.identity.Scope;
import java.time.Instant;
import java.util.Objects;
import java.util.Set;

/**
 * An access token just issued: its value (a bearer secret until bound, so held as a {@link Secret} and never
 * printed) and what the token response says about it.
 */
public final class IssuedAccessToken {
  private final Secret value;
  private final String jti;
  private final Confirmation confirmation;
  private final Set<Scope> scopes;
  private final Instant issuedAt;
  private final Instant expiresAt;

  IssuedAccessToken(Secret value, String jti, Confirmation confirmation, Set<Scope> scopes, Instant issuedAt,
      Instant expiresAt) {
    this.value = Objects.requireNonNull(value);
    this.jti = Objects.requireNonNull(jti);
    this.confirmation = Objects.requireNonNull(confirmation);
    this.scopes = Set.copyOf(scopes);
    this.issuedAt = Objects.requireNonNull(issuedAt);
    this.expiresAt = Objects.requireNonNull(expiresAt);
  }

  /** The JWT; only the token response may reveal it. */
  public Secret value() {
    return value;
  }

  public String jti() {
    return jti;
  }

  public Confirmation confirmation() {
    return confirmation;
  }

  /** {@code Bearer} or {@code DPoP}. */
  public String tokenType() {
    return confirmation.tokenType();
  }

  public Set<Scope> scopes() {
    return scopes;
  }

  public Instant issuedAt() {
    return issuedAt;
  }

  public Instant expiresAt() {
    return expiresAt;
  }

  /** Seconds from issue to expiry ({@code expires_in}). */
  public long expiresIn() {
    return expiresAt.getEpochSecond() - issuedAt.getEpochSecond();
  }

  @Override
  public String toString() {
    return "IssuedAccessToken[" + jti + " " + confirmation.kind() + "]";
  }
}
