package dev.bindery.notify;

import java.time.Duration;
import java.util.Objects;

/**
 * When a failed delivery is tried again: {@code initial} after the first failed attempt, doubling after each
 * further one, never more than {@code cap}; after {@code maxAttempts} failed attempts the notification has failed.
 * The default (1 s doubling, capped at 10 minutes, 12 attempts) spreads the attempts over about 38 minutes.
 */
public record RetrySchedule(Duration initial, Duration cap, int maxAttempts) {
  public static final RetrySchedule DEFAULT = new RetrySchedule(Duration.ofSeconds(1), Duration.ofMinutes(10), 12);
  public static final int MAX_ATTEMPTS_LIMIT = 20;

  public RetrySchedule {
    Objects.requireNonNull(initial);
    Objects.requireNonNull(cap);
    if (initial.isNegative() || initial.isZero() || cap.compareTo(initial) < 0) {
      throw new IllegalArgumentException("backoff must start positive and be capped at or above its start");
    }
    if (maxAttempts < 1 || maxAttempts > MAX_ATTEMPTS_LIMIT) {
      throw new IllegalArgumentException("max attempts must be between 1 and " + MAX_ATTEMPTS_LIMIT);
    }
  }

  public RetrySchedule withMaxAttempts(int n) {
    return new RetrySchedule(initial, cap, n);
  }

  /** The wait after failed attempt {@code attempt} (1-based): {@code min(initial * 2^(attempt-1), cap)}. */
  public Duration delayAfter(int attempt) {
    if (attempt < 1) {
      throw new IllegalArgumentException("attempts are numbered from 1");
    }
    Duration d = initial;
    for (int i = 1; i < attempt && d.compareTo(cap) < 0; i++) {
      d = d.multipliedBy(2);
    }
    return d.compareTo(cap) > 0 ? cap : d;
  }
}
