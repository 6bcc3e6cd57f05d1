package dev.bindery.client.revocation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BackoffTest {
  @Test
  void nextDelay_doublesUpToTheMaximum_withJitterBetweenHalfAndAll() {
    Backoff top = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(30), () -> 0.999_999);
    Backoff bottom = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(30), () -> 0.0);
    List<Long> highs = new ArrayList<>();
    List<Long> lows = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      highs.add(top.nextDelay().toMillis());
      lows.add(bottom.nextDelay().toMillis());
    }
    assertThat(highs).containsExactly(499L, 999L, 1999L, 3999L, 7999L, 15999L, 29999L, 29999L, 29999L, 29999L);
    assertThat(lows).containsExactly(250L, 500L, 1000L, 2000L, 4000L, 8000L, 15000L, 15000L, 15000L, 15000L);
  }

  @Test
  void reset_startsOverAfterASuccess() {
    Backoff b = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1), () -> 0.0);
    b.nextDelay();
    b.nextDelay();
    b.nextDelay();
    assertThat(b.failures()).isEqualTo(3);
    b.reset();
    assertThat(b.nextDelay()).isEqualTo(Duration.ofMillis(50));
  }

  @Test
  void manyFailures_neverOverflow() {
    Backoff b = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(30), () -> 0.5);
    for (int i = 0; i < 1000; i++) {
      assertThat(b.nextDelay()).isBetween(Duration.ofMillis(250), Duration.ofSeconds(30));
    }
  }

  @Test
  void constructor_badBounds_refused() {
    assertThatThrownBy(() -> new Backoff(Duration.ZERO, Duration.ofSeconds(1), () -> 0.0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1), () -> 0.0))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
