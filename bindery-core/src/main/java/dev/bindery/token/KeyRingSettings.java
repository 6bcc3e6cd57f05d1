package dev.bindery.token;

import java.time.Duration;
import java.util.Objects;

/**
 * The timing of token signing key rotation.
 *
 * <ul>
 *   <li>{@code rotationPeriod}: how long a key stays current before the next key replaces it.
 *   <li>{@code jwksMaxAge}: the {@code Cache-Control: max-age} of the JWKS; a resource server may use a JWKS that
 *       old.
 *   <li>{@code reloadInterval}: every node reloads the ring from the store at least this often (by the clock).
 *   <li>{@code maxTokenLifetime}: the longest lifetime any token can have ({@code bindery.token.max-lifetime-seconds}).
 * </ul>
 *
 * From these: {@link #publishLead()}, how long a next key must have existed before it may sign (every node has
 * published it and every cached JWKS has been refetched since), and {@link #retention()}, how long a retired key
 * stays published (every token it signed has expired, including tokens a node that had not reloaded yet signed).
 */
public record KeyRingSettings(Duration rotationPeriod, Duration jwksMaxAge, Duration reloadInterval,
    Duration maxTokenLifetime) {
  public static final Duration JWKS_MAX_AGE = Duration.ofSeconds(60);
  public static final Duration RELOAD_INTERVAL = Duration.ofSeconds(30);
  public static final Duration DEFAULT_ROTATION_PERIOD = Duration.ofDays(7);
  /** For clock differences between nodes and resource servers. */
  public static final Duration MARGIN = Duration.ofSeconds(60);

  public KeyRingSettings {
    Objects.requireNonNull(rotationPeriod, "rotationPeriod");
    Objects.requireNonNull(jwksMaxAge, "jwksMaxAge");
    Objects.requireNonNull(reloadInterval, "reloadInterval");
    Objects.requireNonNull(maxTokenLifetime, "maxTokenLifetime");
    for (Duration d : new Duration[] {rotationPeriod, jwksMaxAge, reloadInterval, maxTokenLifetime}) {
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException("key ring durations must be positive");
      }
    }
  }

  /** The standard JWKS max-age and reload interval with the given rotation period and maximum token lifetime. */
  public static KeyRingSettings of(Duration rotationPeriod, Duration maxTokenLifetime) {
    return new KeyRingSettings(rotationPeriod, JWKS_MAX_AGE, RELOAD_INTERVAL, maxTokenLifetime);
  }

  /** jwksMaxAge + reloadInterval + margin: a next key older than this is in every JWKS a verifier can hold. */
  public Duration publishLead() {
    return jwksMaxAge.plus(reloadInterval).plus(MARGIN);
  }

  /** maxTokenLifetime + reloadInterval + margin: after this, no valid token was signed by a key retired that long ago. */
  public Duration retention() {
    return maxTokenLifetime.plus(reloadInterval).plus(MARGIN);
  }
}
