package dev.bindery.revocation;

import java.time.Instant;
import java.util.Objects;

/**
 * One entry of the revocation feed.
 *
 * @param seq the store's sequence number: strictly increasing in commit order across every node
 * @param value the token id, thumbprint or identity id named by {@code type}
 * @param at when the revocation took effect
 */
public record RevocationEvent(long seq, RevocationEventType type, String value, Instant at) {
  /** The longest value stored (a jti, a base64url SHA-256 thumbprint, or an identity id are far shorter). */
  public static final int MAX_VALUE_LENGTH = 512;

  public RevocationEvent {
    if (seq < 1) {
      throw new IllegalArgumentException("seq must be positive");
    }
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(at, "at");
    requireValue(value);
  }

  static String requireValue(String value) {
    Objects.requireNonNull(value, "value");
    if (value.isEmpty() || value.length() > MAX_VALUE_LENGTH) {
      throw new IllegalArgumentException("a revocation event value has 1 to " + MAX_VALUE_LENGTH + " characters");
    }
    return value;
  }
}
