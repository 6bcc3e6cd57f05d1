package dev.bindery.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class MutableClockTest {

  @Test
  void instant_standsStillUntilAdvanced() {
    MutableClock clock = MutableClock.standard();

    assertThat(clock.instant()).isEqualTo(Instant.parse("2026-11-23T10:00:00Z"));
    assertThat(clock.instant()).isEqualTo(clock.instant());
    assertThat(clock.advance(Duration.ofMillis(1500))).isEqualTo(Instant.parse("2026-11-23T10:00:01.500Z"));
    assertThat(clock.millis()).isEqualTo(Instant.parse("2026-11-23T10:00:01.500Z").toEpochMilli());
  }

  @Test
  void advance_zeroOrNegative_rejected() {
    MutableClock clock = MutableClock.standard();

    assertThatThrownBy(() -> clock.advance(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> clock.advance(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class);
    assertThat(clock.instant()).isEqualTo(MutableClock.DEFAULT_START);
  }

  @Test
  void set_anyInstant_becomesCurrent() {
    MutableClock clock = MutableClock.startingAt(Instant.EPOCH);

    clock.set(Instant.parse("1999-12-31T23:59:59Z"));

    assertThat(clock.instant()).isEqualTo(Instant.parse("1999-12-31T23:59:59Z"));
  }

  @Test
  void withZone_sharesTimeWithTheOriginal() {
    MutableClock clock = MutableClock.standard();
    Clock paris = clock.withZone(ZoneId.of("Europe/Paris"));

    clock.advance(Duration.ofHours(1));

    assertThat(clock.getZone()).isEqualTo(ZoneOffset.UTC);
    assertThat(paris.getZone()).isEqualTo(ZoneId.of("Europe/Paris"));
    assertThat(paris.instant()).isEqualTo(MutableClock.DEFAULT_START.plus(Duration.ofHours(1)));
  }
}
