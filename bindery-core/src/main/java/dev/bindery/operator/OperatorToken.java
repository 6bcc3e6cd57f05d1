package dev.bindery.operator;

import java.time.Instant;
import java.util.Objects;

/**
 * A stored operator API token: only the SHA-256 of the token is kept. {@code stepUpAt} is when the holder
 * last proved a TOTP code with this token (null if never).
 */
public record OperatorToken(
    String id,
    OperatorId operatorId,
    byte[] hash,
    String description,
    Instant createdAt,
    Instant expiresAt,
    Instant revokedAt,
    Instant lastUsedAt,
    Instant stepUpAt) {

  public OperatorToken {
    Objects.requireNonNull(id);
    Objects.requireNonNull(operatorId);
    Objects.requireNonNull(hash);
    Objects.requireNonNull(createdAt);
    Objects.requireNonNull(expiresAt);
    hash = hash.clone();
  }

  @Override
  public byte[] hash() {
    return hash.clone();
  }

  public boolean revoked() {
    return revokedAt != null;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof OperatorToken t && t.id.equals(id);
  }

  @Override
  public int hashCode() {
    return id.hashCode();
  }

  @Override
  public String toString() {
    return "OperatorToken[" + id + "]";
  }
}
