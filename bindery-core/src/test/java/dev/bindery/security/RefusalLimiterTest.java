package dev.bindery.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class RefusalLimiterTest {
  private final TestClock clock = new TestClock();
  private final RefusalLimiter limiter = new RefusalLimiter(clock, 3, Duration.ofMinutes(1), 100);

  private static final class TestClock extends Clock {
    Instant now = Instant.parse("2026-01-01T00:00:00Z");

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }

  private void refuse(String source, int times) {
    for (int i = 0; i < times; i++) {
      assertThat(limiter.acquire(source)).isInstanceOf(RefusalLimiter.Permit.class);
    }
  }

  @Test
  void acquire_limitReached_blockedUntilTheWindowEndsAndOnlyTheFirstBlockIsMarked() {
    refuse("203.0.113.7", 3);
    clock.now = clock.now.plusSeconds(20);

    RefusalLimiter.Decision first = limiter.acquire("203.0.113.7");
    RefusalLimiter.Decision second = limiter.acquire("203.0.113.7");

    assertThat(first).isEqualTo(new RefusalLimiter.Blocked(Duration.ofSeconds(40), true));
    assertThat(second).isEqualTo(new RefusalLimiter.Blocked(Duration.ofSeconds(40), false));
    clock.now = clock.now.plusSeconds(39);
    assertThat(limiter.acquire("203.0.113.7")).isEqualTo(new RefusalLimiter.Blocked(Duration.ofSeconds(1), false));
    clock.now = clock.now.plusSeconds(1);
    assertThat(limiter.acquire("203.0.113.7")).isInstanceOf(RefusalLimiter.Permit.class);
  }

  @Test
  void acquire_otherSource_hasItsOwnWindow() {
    refuse("203.0.113.7", 3);

    assertThat(limiter.acquire("203.0.113.7")).isInstanceOf(RefusalLimiter.Blocked.class);
    assertThat(limiter.acquire("198.51.100.1")).isInstanceOf(RefusalLimiter.Permit.class);
  }

  @Test
  void release_attemptNotRefused_givesTheSlotBackOnce() {
    for (int i = 0; i < 10; i++) {
      RefusalLimiter.Permit p = (RefusalLimiter.Permit) limiter.acquire("203.0.113.7");
      p.release();
      p.release(); // idempotent: a second release does not free another slot
    }
    refuse("203.0.113.7", 3);
    assertThat(limiter.acquire("203.0.113.7")).isInstanceOf(RefusalLimiter.Blocked.class);
  }

  @Test
  void release_afterTheWindowRolledOver_doesNotFreeASlotOfTheNewWindow() {
    RefusalLimiter.Permit old = (RefusalLimiter.Permit) limiter.acquire("203.0.113.7");
    clock.now = clock.now.plus(Duration.ofMinutes(1));
    refuse("203.0.113.7", 3);

    old.release();

    assertThat(limiter.acquire("203.0.113.7")).isInstanceOf(RefusalLimiter.Blocked.class);
  }

  @Test
  void acquire_clockMovedBackwards_startsANewWindow() {
    refuse("203.0.113.7", 3);
    clock.now = clock.now.minusSeconds(5);

    assertThat(limiter.acquire("203.0.113.7")).isInstanceOf(RefusalLimiter.Permit.class);
  }

  @Test
  void acquire_moreSourcesThanTracked_dropsExpiredThenLeastRecentlySeen() {
    RefusalLimiter small = new RefusalLimiter(clock, 1, Duration.ofMinutes(1), 2);
    small.acquire("a");
    small.acquire("b");
    small.acquire("a"); // blocked, and now the most recently seen
    small.acquire("c");

    assertThat(small.trackedSources()).isEqualTo(2);
    assertThat(small.acquire("a")).isInstanceOf(RefusalLimiter.Blocked.class);
    assertThat(small.trackedSources()).isEqualTo(2);
    clock.now = clock.now.plus(Duration.ofMinutes(2));
    small.acquire("d");
    assertThat(small.trackedSources()).isEqualTo(1);
  }

  @Test
  void constructor_nonPositiveLimits_rejected() {
    assertThatThrownBy(() -> new RefusalLimiter(clock, 0, Duration.ofMinutes(1), 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new RefusalLimiter(clock, 1, Duration.ZERO, 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new RefusalLimiter(clock, 1, Duration.ofMinutes(1), 0))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
