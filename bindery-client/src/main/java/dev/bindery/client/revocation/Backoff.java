package dev.bindery.client.revocation;

import java.time.Duration;
import java.util.Objects;
import java.util.function.DoubleSupplier;

/**
 * Exponential backoff with jitter for retrying a failing server: the n-th consecutive failure waits a random
 * time between half and all of {@code min(initial × 2^(n-1), max)}. A success resets it. Not thread-safe.
 */
final class Backoff {
  private final Duration initial;
  private final Duration max;
  private final DoubleSupplier random;
  private int failures;

  Backoff(Duration initial, Duration max, DoubleSupplier random) {
    this.initial = Objects.requireNonNull(initial);
    this.max = Objects.requireNonNull(max);
    this.random = Objects.requireNonNull(random);
    if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
      throw new IllegalArgumentException("backoff needs 0 < initial <= max");
    }
  }

  /** The wait after one more failure. */
  Duration nextDelay() {
    failures = Math.min(failures + 1, 62);
    long ceiling = initial.toMillis();
    for (int i = 1; i < failures && ceiling < max.toMillis(); i++) {
      ceiling *= 2;
    }
    ceiling = Math.min(ceiling, max.toMillis());
    long half = ceiling / 2;
    return Duration.ofMillis(half + (long) (random.getAsDouble() * (ceiling - half)));
  }

  void reset() {
    failures = 0;
  }

  int failures() {
    return failures;
  }
}
