package dev.bindery.common;

import java.time.Duration;
import java.util.Objects;

/**
 * A request refused because its source made too many refused attempts recently ({@link ErrorCode#RATE_LIMITED}).
 * {@link #retryAfter} is how long until the source may try again; the edge sends it as {@code Retry-After}
 * (RFC 9110 section 10.2.3) in whole seconds.
 */
public final class RateLimitedException extends RejectedException {
  private static final long serialVersionUID = 1L;
  private final Duration retryAfter;

  public RateLimitedException(String message, Duration retryAfter) {
    super(ErrorCode.RATE_LIMITED, message);
    Objects.requireNonNull(retryAfter);
    if (retryAfter.isNegative() || retryAfter.isZero()) {
      throw new IllegalArgumentException("retryAfter must be positive");
    }
    this.retryAfter = retryAfter;
  }

  public Duration retryAfter() {
    return retryAfter;
  }

  /** {@link #retryAfter} rounded up to whole seconds, as {@code Retry-After} carries it. */
  public long retryAfterSeconds() {
    long seconds = retryAfter.getSeconds();
    return retryAfter.getNano() == 0 ? seconds : seconds + 1;
  }
}
