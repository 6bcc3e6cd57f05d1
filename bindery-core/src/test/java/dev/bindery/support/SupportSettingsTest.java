package dev.bindery.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SupportSettingsTest {
  static final SupportSettings D = SupportSettings.DEFAULT;

  private static SupportSettings with(Duration evidenceMaxAge, Duration ttl, Duration cap, Duration requestTtl) {
    return new SupportSettings(D.ticketPattern(), evidenceMaxAge, ttl, cap, requestTtl, Set.of(),
        D.resetsPerIdentity(), D.identitiesPerAgent(), D.unusualSourceWindow(), Map.of());
  }

  @Test
  void defaults_asTheContractSays() {
    assertThat(D.ticketPattern().pattern()).isEqualTo("^[A-Z][A-Z0-9]{1,15}-[0-9]{1,10}$");
    assertThat(D.evidenceMaxAge()).isEqualTo(Duration.ofHours(24));
    assertThat(D.temporaryTtl()).isEqualTo(Duration.ofMinutes(10));
    assertThat(D.temporaryTtlCap()).isEqualTo(Duration.ofMinutes(10));
    assertThat(D.requestTtl()).isEqualTo(Duration.ofHours(4));
    assertThat(D.resetsPerIdentity()).isEqualTo(new SupportSettings.Threshold(3, Duration.ofHours(24)));
    assertThat(D.identitiesPerAgent()).isEqualTo(new SupportSettings.Threshold(10, Duration.ofHours(1)));
    assertThat(D.unusualSourceWindow()).isEqualTo(Duration.ofHours(1));
    assertThat(D.privilegedScopes()).isEmpty();
    assertThat(D.agentHours()).isEmpty();
  }

  @Test
  void temporaryTtl_cappedAtTenMinutesAndNeverAboveTheCap() {
    assertThatThrownBy(() -> with(D.evidenceMaxAge(), Duration.ofMinutes(5), Duration.ofMinutes(11),
        D.requestTtl())).hasMessageContaining("bindery.support.temporary-ttl-cap");
    assertThatThrownBy(() -> with(D.evidenceMaxAge(), Duration.ofMinutes(6), Duration.ofMinutes(5),
        D.requestTtl())).hasMessageContaining("bindery.support.temporary-ttl ");
    assertThat(with(D.evidenceMaxAge(), Duration.ofMinutes(2), Duration.ofMinutes(5), D.requestTtl())
        .temporaryTtl()).isEqualTo(Duration.ofMinutes(2));
  }

  @Test
  void badDurationsAndPatterns_failNamingTheSetting() {
    assertThatThrownBy(() -> with(Duration.ZERO, D.temporaryTtl(), D.temporaryTtlCap(), D.requestTtl()))
        .hasMessageContaining("bindery.support.evidence-max-age");
    assertThatThrownBy(() -> with(D.evidenceMaxAge(), D.temporaryTtl(), D.temporaryTtlCap(), Duration.ofDays(8)))
        .hasMessageContaining("bindery.support.request-ttl");
    assertThatThrownBy(() -> with(null, D.temporaryTtl(), D.temporaryTtlCap(), D.requestTtl()))
        .hasMessageContaining("bindery.support.evidence-max-age is required");
    assertThatThrownBy(() -> SupportSettings.ticketPattern("[A-Z"))
        .hasMessageContaining("bindery.support.ticket-pattern");
    assertThatThrownBy(() -> new SupportSettings.Threshold(0, Duration.ofHours(1))).hasMessageContaining("max");
  }

  @Test
  void workingHours_containAndWrapOverMidnight() {
    SupportSettings.WorkingHours day = SupportSettings.WorkingHours.parse("08:00-18:00@Europe/Berlin");
    SupportSettings.WorkingHours night = new SupportSettings.WorkingHours(LocalTime.of(22, 0), LocalTime.of(6, 0),
        ZoneId.of("UTC"));

    assertThat(day.contains(Instant.parse("2026-12-01T07:00:00Z"))).isTrue(); // 08:00 in Berlin (UTC+1)
    assertThat(day.contains(Instant.parse("2026-12-01T06:59:59Z"))).isFalse();
    assertThat(day.contains(Instant.parse("2026-12-01T17:00:00Z"))).isFalse(); // 18:00, end exclusive
    assertThat(night.contains(Instant.parse("2026-12-01T23:30:00Z"))).isTrue();
    assertThat(night.contains(Instant.parse("2026-12-01T05:59:00Z"))).isTrue();
    assertThat(night.contains(Instant.parse("2026-12-01T12:00:00Z"))).isFalse();
    assertThat(day.wire()).isEqualTo("08:00-18:00@Europe/Berlin");
    assertThatThrownBy(() -> SupportSettings.WorkingHours.parse("8-18")).isInstanceOf(IllegalArgumentException.class);
  }
}
