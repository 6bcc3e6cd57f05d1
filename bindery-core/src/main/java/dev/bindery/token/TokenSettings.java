package dev.bindery.token;

import java.time.Duration;
import java.util.Objects;

/**
 * Deployment-wide token settings ({@code bindery.token.*}).
 *
 * @param defaultLifetime the lifetime of a token when the identity's policy sets none (default 300 s)
 * @param maxLifetime the cap on every token's lifetime, whatever a policy says (default 3600 s)
 * @param defaultAudience the audience of a token requested without {@code resource}, or null: then
 *     {@code resource} is required
 */
public record TokenSettings(Duration defaultLifetime, Duration maxLifetime, Audience defaultAudience) {
  public static final Duration DEFAULT_LIFETIME = Duration.ofSeconds(300);
  public static final Duration DEFAULT_MAX_LIFETIME = Duration.ofSeconds(3600);
  /** A policy lifetime below this is refused: a token must outlive its round trip. */
  public static final Duration MIN_LIFETIME = Duration.ofSeconds(10);

  public TokenSettings {
    Objects.requireNonNull(defaultLifetime, "defaultLifetime");
    Objects.requireNonNull(maxLifetime, "maxLifetime");
    if (defaultLifetime.compareTo(MIN_LIFETIME) < 0 || maxLifetime.compareTo(defaultLifetime) < 0) {
      throw new IllegalArgumentException("token lifetimes: " + MIN_LIFETIME.toSeconds()
          + " s <= default lifetime <= max lifetime");
    }
  }

  public static TokenSettings defaults() {
    return new TokenSettings(DEFAULT_LIFETIME, DEFAULT_MAX_LIFETIME, null);
  }

  /** The lifetime of a token for an identity with {@code policy}: its own or the default, capped by the maximum. */
  public Duration lifetime(TokenPolicy policy) {
    Duration wanted = policy.tokenLifetime() == null ? defaultLifetime : policy.tokenLifetime();
    return wanted.compareTo(maxLifetime) > 0 ? maxLifetime : wanted;
  }
}
