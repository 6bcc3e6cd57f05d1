package dev.bindery.testkit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A {@link Clock} that tests move explicitly: it stands still until {@link #advance} or {@link #set} is
 * called, so expiry, step-up windows and audit timestamps are exact and no test ever sleeps. Thread-safe.
 */
public final class MutableClock extends Clock {
  /** A fixed, millisecond-precise starting point used by the test kit unless a test chooses another. */
  public static final Instant DEFAULT_START = Instant.parse("2026-11-23T10:00:00Z");

  private final AtomicReference<Instant> now;
  private final ZoneId zone;

  public MutableClock(Instant start) {
    this(new AtomicReference<>(Objects.requireNonNull(start, "start")), ZoneOffset.UTC);
  }

  private MutableClock(AtomicReference<Instant> now, ZoneId zone) {
    this.now = now;
    this.zone = zone;
  }

  public static MutableClock startingAt(Instant start) {
    return new MutableClock(start);
  }

  public static MutableClock standard() {
    return new MutableClock(DEFAULT_START);
  }

  /** Moves time forward; a negative or zero duration is a test bug and is refused. */
  public Instant advance(Duration by) {
    Objects.requireNonNull(by, "by");
    if (by.isNegative() || by.isZero()) {
      throw new IllegalArgumentException("a mutable clock only moves forward: " + by);
    }
    return now.updateAndGet(t -> t.plus(by));
  }

  /** Sets the current instant (may go backwards, to test clock skew). */
  public void set(Instant instant) {
    now.set(Objects.requireNonNull(instant, "instant"));
  }

  @Override
  public Instant instant() {
    return now.get();
  }

  @Override
  public ZoneId getZone() {
    return zone;
  }

  /** A view in another zone that shares this clock's time. */
  @Override
  public Clock withZone(ZoneId other) {
    return new MutableClock(now, Objects.requireNonNull(other, "zone"));
  }

  @Override
  public String toString() {
    return "MutableClock[" + now.get() + "]";
  }
}
